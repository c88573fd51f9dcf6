import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdmissionReview, parseTimeout } from './parse.ts';
import { createRequest } from './testing.ts';

/** A valid request, with `overrides` that may break it on purpose. */
const request = (overrides: Record<string, unknown> = {}) => ({
  ...createRequest({ uid: '705ab4f5-6393-11e8-b7cc-42010a800002', name: 'c1', namespace: 'ns' }),
  object: { metadata: { name: 'c1' } },
  ...overrides,
});

const review = (req: unknown, top: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: req, ...top });

function failure(text: string): string {
  const parsed = parseAdmissionReview(text);
  assert.equal(parsed.ok, false, 'expected a parse failure');
  return parsed.ok ? '' : parsed.message;
}

describe('parseAdmissionReview', () => {
  it('accepts a v1 review and keeps its fields', () => {
    const parsed = parseAdmissionReview(review(request()));
    assert.ok(parsed.ok);
    assert.equal(parsed.request.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.equal(parsed.request.kind.kind, 'ResourceClaim');
    assert.equal(parsed.request.userInfo.username, 'alice');
    assert.deepEqual(parsed.request.object, { metadata: { name: 'c1' } });
  });

  it('defaults a missing userInfo to an empty one', () => {
    const { userInfo: _, ...rest } = request();
    const parsed = parseAdmissionReview(review(rest));
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.request.userInfo, {});
  });

  it('accepts a DELETE without object', () => {
    const parsed = parseAdmissionReview(
      review(request({ operation: 'DELETE', object: null, oldObject: {} })),
    );
    assert.ok(parsed.ok);
  });

  it('refuses what is not JSON', () => {
    assert.match(failure('{"apiVersion":'), /not JSON/);
  });

  it('refuses another kind or version, naming the fix', () => {
    assert.match(failure(review(request(), { kind: 'Pod' })), /kind must be "AdmissionReview", got "Pod"/);
    assert.match(
      failure(review(request(), { apiVersion: 'admission.k8s.io/v1beta1' })),
      /apiVersion must be "admission.k8s.io\/v1".*admissionReviewVersions/,
    );
  });

  it('names the missing or malformed field', () => {
    assert.match(failure(review(undefined)), /^request must be an object/);
    assert.match(failure(review(request({ uid: '' }))), /request\.uid/);
    assert.match(failure(review(request({ kind: { group: 'g', version: 'v' } }))), /request\.kind\.kind/);
    assert.match(failure(review(request({ resource: 'claims' }))), /request\.resource must be an object/);
    assert.match(
      failure(review(request({ operation: 'PATCH' }))),
      /request\.operation must be one of CREATE/,
    );
    assert.match(failure(review(request({ userInfo: 'alice' }))), /request\.userInfo/);
    assert.match(failure(review(request({ object: [1] }))), /request\.object must be an object/);
  });

  it('requires the objects the operation carries', () => {
    assert.match(failure(review(request({ object: null }))), /request\.object is required for CREATE/);
    assert.match(
      failure(review(request({ operation: 'UPDATE', oldObject: undefined }))),
      /request\.oldObject is required for UPDATE/,
    );
  });
});

describe('parseTimeout', () => {
  it('reads the apiserver timeout query', () => {
    assert.equal(parseTimeout('10s'), 10_000);
    assert.equal(parseTimeout('2.5s'), 2500);
    assert.equal(parseTimeout('500ms'), 500);
    assert.equal(parseTimeout('1m'), 60_000);
  });

  it('ignores what it cannot read', () => {
    assert.equal(parseTimeout(null), undefined);
    assert.equal(parseTimeout('10'), undefined);
    assert.equal(parseTimeout('ten seconds'), undefined);
  });
});

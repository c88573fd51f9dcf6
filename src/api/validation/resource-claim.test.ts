import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_AMOUNT } from '../amount.ts';
import { clone, makeClaim, makeRegistration, PROJECTS } from '../testing.ts';
import { registrationLookup } from './registrations.ts';
import {
  validateResourceClaim,
  validateResourceClaimAgainstRegistrations,
  validateResourceClaimUpdate,
} from './resource-claim.ts';

const paths = (errors: readonly { path: string }[]) => errors.map((e) => e.path);

describe('validateResourceClaim', () => {
  it('accepts a valid claim', () => {
    assert.deepEqual(validateResourceClaim(makeClaim()), []);
  });

  it("rejects zero with Milo's message, negative and too-large amounts", () => {
    const zero = validateResourceClaim(makeClaim([{ resourceType: PROJECTS, amount: 0 }]));
    assert.ok(
      zero.some((e) => e.path === 'spec.requests[0].amount' && e.message === 'amount must be greater than 0'),
    );
    for (const amount of [-1, MAX_AMOUNT + 1, 1.5]) {
      const errors = validateResourceClaim(makeClaim([{ resourceType: PROJECTS, amount }]));
      assert.ok(paths(errors).includes('spec.requests[0].amount'), String(amount));
    }
  });

  it('rejects duplicate resource types, naming the first request', () => {
    const errors = validateResourceClaim(
      makeClaim([
        { resourceType: 'a', amount: 1 },
        { resourceType: 'b', amount: 1 },
        { resourceType: 'a', amount: 2 },
      ]),
    );
    assert.deepEqual(paths(errors), ['spec.requests[2].resourceType']);
    assert.match(errors[0]?.message ?? '', /resource type 'a' is already specified in request 0/);
  });

  it('rejects no requests, more than 20, and missing consumerRef or resourceRef', () => {
    assert.deepEqual(paths(validateResourceClaim(makeClaim([]))), ['spec.requests']);
    const many = Array.from({ length: 21 }, (_, i) => ({ resourceType: `r${i}`, amount: 1 }));
    assert.deepEqual(paths(validateResourceClaim(makeClaim(many))), ['spec.requests']);
    const c = makeClaim();
    delete c.spec.consumerRef;
    delete c.spec.resourceRef;
    assert.deepEqual(paths(validateResourceClaim(c)), [
      'spec.consumerRef',
      'spec.resourceRef.kind',
      'spec.resourceRef.name',
    ]);
  });

  it('freezes the spec on update but allows metadata changes', () => {
    const old = makeClaim();
    const next = clone(old);
    next.metadata.labels = { a: 'b' };
    assert.deepEqual(validateResourceClaimUpdate(old, next), []);
    next.spec.requests = [{ resourceType: PROJECTS, amount: 2 }];
    assert.deepEqual(paths(validateResourceClaimUpdate(old, next)), ['spec.requests']);
  });
});

describe('validateResourceClaimAgainstRegistrations', () => {
  const lookup = registrationLookup([makeRegistration()]);

  it('accepts a claim that satisfies the claiming rules (kind case-insensitive)', () => {
    const c = makeClaim();
    if (c.spec.resourceRef) c.spec.resourceRef.kind = 'project';
    assert.deepEqual(validateResourceClaimAgainstRegistrations(c, lookup), []);
  });

  it('rejects unknown types, a wrong consumer type and a kind that may not claim', () => {
    const c = makeClaim([
      { resourceType: PROJECTS, amount: 1 },
      { resourceType: 'unknown', amount: 1 },
    ]);
    c.spec.consumerRef = { apiGroup: 'iam.miloapis.com', kind: 'User', name: 'u' };
    c.spec.resourceRef = { kind: 'Secret', name: 's' };
    const errors = validateResourceClaimAgainstRegistrations(c, lookup);
    assert.deepEqual(paths(errors), [
      'spec.consumerRef',
      'spec.resourceRef',
      'spec.requests[1].resourceType',
    ]);
    assert.match(
      errors[1]?.message ?? '',
      /core\/Secret does not satisfy claiming rules .*\[resourcemanager\.miloapis\.com\/Project\]/,
    );
    assert.equal(errors[1]?.type, 'Forbidden');
  });

  it('refuses a request for a Feature (granted, never claimed), naming the request and the registration', () => {
    const feature = makeRegistration('beta-feature', 'example.com/beta');
    feature.spec.type = 'Feature';
    const c = makeClaim([
      { resourceType: PROJECTS, amount: 1 },
      { resourceType: 'example.com/beta', amount: 1 },
    ]);
    const errors = validateResourceClaimAgainstRegistrations(
      c,
      registrationLookup([makeRegistration(), feature]),
    );
    assert.deepEqual(paths(errors), ['spec.requests[1].resourceType']);
    assert.match(
      errors[0]?.message ?? '',
      /'example\.com\/beta' is registered as a Feature by ResourceRegistration 'beta-feature'.*remove this request/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATION_OWNER_UID, buildClaim, type EnsureClaimOptions, specDifferences } from './build.ts';
import { InvalidClaimError } from './errors.ts';

const options = (extra: Partial<EnsureClaimOptions> = {}): EnsureClaimOptions => ({
  owner: {
    apiVersion: 'compute.example.com/v1',
    kind: 'Instance',
    name: 'web-1',
    namespace: 'team-a',
    uid: 'u1',
  },
  namespace: 'team-a',
  consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
  requests: [{ resourceType: 'compute.example.com/vcpus', amount: 4 }],
  ...extra,
});

function invalidPaths(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InvalidClaimError, String(error));
    return error.errors.map((e) => e.path);
  }
  assert.fail('expected InvalidClaimError');
}

describe('buildClaim', () => {
  it('names the claim after its owner, points resourceRef at it and owns it when GC can honour that', () => {
    const claim = buildClaim(options({ labels: { team: 'a' } }));
    assert.deepEqual(claim.metadata, {
      name: 'instance-web-1',
      namespace: 'team-a',
      labels: { team: 'a' },
      annotations: { [ANNOTATION_OWNER_UID]: 'u1' },
      ownerReferences: [
        {
          apiVersion: 'compute.example.com/v1',
          kind: 'Instance',
          name: 'web-1',
          uid: 'u1',
          controller: false,
        },
      ],
    });
    assert.deepEqual(claim.spec.resourceRef, {
      apiGroup: 'compute.example.com',
      kind: 'Instance',
      name: 'web-1',
      namespace: 'team-a',
    });
  });

  it('sets no ownerReference for an owner in another namespace (GC would ignore or misread it)', () => {
    const claim = buildClaim(options({ namespace: 'quota-system' }));
    assert.equal(claim.metadata.ownerReferences, undefined);
    assert.match(claim.metadata.name ?? '', /^instance-team-a-web-1-[0-9a-f]{10}$/);
  });

  it('owns the claim for a cluster-scoped owner, and omits the core group', () => {
    const owner = { apiVersion: 'v1', kind: 'Namespace', name: 'team-a', uid: 'u2' };
    const claim = buildClaim(options({ owner }));
    assert.equal(claim.metadata.ownerReferences?.[0]?.uid, 'u2');
    assert.deepEqual(claim.spec.resourceRef, { kind: 'Namespace', name: 'team-a' });
  });

  it('keeps an explicit name', () => {
    assert.equal(buildClaim(options({ name: 'my-claim' })).metadata.name, 'my-claim');
  });

  it('names every bad option by the path the caller passed', () => {
    const owner = { apiVersion: '', kind: 'Instance', name: 'web-1', uid: '' };
    assert.deepEqual(
      invalidPaths(() => buildClaim(options({ owner, namespace: 'Bad_NS' }))),
      ['owner.apiVersion', 'owner.uid', 'namespace'],
    );
    const requests = [
      { resourceType: 'a', amount: 0 },
      { resourceType: 'a', amount: 1.5 },
    ];
    assert.deepEqual(
      invalidPaths(() => buildClaim(options({ requests }))),
      ['requests[0].amount', 'requests[1].amount', 'requests[1].resourceType'],
    );
    assert.deepEqual(
      invalidPaths(() => buildClaim(options({ requests: [] }))),
      ['requests'],
    );
    const consumerRef = { kind: '', name: 'acme' };
    assert.deepEqual(
      invalidPaths(() => buildClaim(options({ consumerRef }))),
      ['consumerRef.kind'],
    );
  });

  it('rejects bad labels and the admission-only auto-created label', () => {
    const labels = { 'bad key!': 'v', ok: 'bad value!', 'quota.miloapis.com/auto-created': 'true' };
    assert.deepEqual(
      invalidPaths(() => buildClaim(options({ labels }))),
      ['labels[bad key!]', 'labels[ok]', 'labels[quota.miloapis.com/auto-created]'],
    );
  });

  it('says what to fix in the message', () => {
    assert.throws(
      () => buildClaim(options({ requests: [{ resourceType: 'a', amount: 0 }] })),
      /requests\[0\]\.amount: must be greater than or equal to 1, got 0.*correct the fields named/,
    );
  });
});

describe('specDifferences', () => {
  const spec = buildClaim(options()).spec;

  it('finds nothing for the same spec, with requests in any order', () => {
    const two = [
      { resourceType: 'a', amount: 1 },
      { resourceType: 'b', amount: 2 },
    ];
    assert.deepEqual(
      specDifferences({ ...spec, requests: two }, { ...spec, requests: [...two].reverse() }),
      [],
    );
  });

  it('names each differing field with both values', () => {
    const other = {
      ...spec,
      consumerRef: { ...spec.consumerRef, name: 'other', kind: 'Organization' },
      requests: [{ resourceType: 'x', amount: 1 }],
    };
    assert.deepEqual(
      specDifferences(other, { ...spec, requests: [...spec.requests, { resourceType: 'x', amount: 2 }] }),
      [
        { field: 'spec.consumerRef.name', existing: '"other"', wanted: '"acme"' },
        { field: 'spec.requests[compute.example.com/vcpus]', existing: '(none)', wanted: '4' },
        { field: 'spec.requests[x].amount', existing: '1', wanted: '2' },
      ],
    );
  });
});

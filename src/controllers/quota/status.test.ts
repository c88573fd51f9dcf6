import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import { computeFigures, type Decision } from '../../quota/index.ts';
import { nextBucketStatus, nextClaimStatus } from './status.ts';

const now = new Date('2026-11-21T10:00:00Z');

function claim(status?: ResourceClaim['status']): ResourceClaim {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceClaim',
    metadata: {
      name: 'c1',
      namespace: 'ns',
      uid: 'u1',
      generation: 1,
      creationTimestamp: '2026-11-21T09:00:00Z',
    },
    spec: {
      consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
      requests: [{ resourceType: 'projects', amount: 2 }],
    },
    ...(status === undefined ? {} : { status }),
  };
}

const grant: Decision = {
  kind: 'grant',
  claim: { namespace: 'ns', name: 'c1', uid: 'u1' },
  allocations: [
    {
      resourceType: 'projects',
      status: 'Granted',
      allocatedAmount: 2,
      reason: 'QuotaAvailable',
      message: 'Capacity reserved',
      allocatingBucket: 'bucket-x',
    },
  ],
};

describe('nextClaimStatus', () => {
  it("writes the Granted allocation and rolls the condition up with Milo's message", () => {
    const next = nextClaimStatus(claim(), grant, now);
    assert.equal(next?.allocations?.[0]?.status, 'Granted');
    assert.equal(next?.allocations?.[0]?.lastTransitionTime, '2026-11-21T10:00:00Z');
    const condition = next?.conditions?.[0];
    assert.deepEqual(
      [condition?.type, condition?.status, condition?.reason, condition?.message],
      ['Granted', 'True', 'QuotaAvailable', 'All 1 resource requests have been granted'],
    );
    assert.equal(next?.observedGeneration, 1);
  });

  it('returns undefined when the stored status already says the same (no write)', () => {
    const first = nextClaimStatus(claim(), grant, now);
    assert.ok(first);
    assert.equal(nextClaimStatus(claim(first), grant, new Date('2026-11-21T11:00:00Z')), undefined);
    assert.equal(nextClaimStatus(claim(first), undefined, new Date('2026-11-21T11:00:00Z')), undefined);
  });

  it('never rewrites a final allocation, even when a stale decision says otherwise', () => {
    const granted = nextClaimStatus(claim(), grant, now);
    assert.ok(granted);
    const deny: Decision = {
      kind: 'deny',
      claim: grant.claim,
      reason: 'QuotaExceeded',
      reasons: [],
      allocations: [{ resourceType: 'projects', status: 'Denied', reason: 'QuotaExceeded', message: 'no' }],
    };
    assert.equal(nextClaimStatus(claim(granted), deny, now), undefined);
  });

  it('gives a new claim the pending condition and observedGeneration', () => {
    const next = nextClaimStatus(claim(), undefined, now);
    assert.equal(next?.conditions?.[0]?.reason, 'PendingEvaluation');
    assert.equal(next?.allocations, undefined);
  });
});

describe('nextBucketStatus', () => {
  const figures = computeFigures({
    grants: [
      { namespace: 'q', name: 'g', active: true, allowances: [{ resourceType: 'projects', amount: 1 }] },
    ],
    claims: [
      {
        namespace: 'ns',
        name: 'c',
        uid: 'u',
        creationTimestamp: 0,
        requests: [{ resourceType: 'projects', amount: 3 }],
        allocations: [{ resourceType: 'projects', status: 'Granted', allocatedAmount: 3 }],
      },
    ],
  }).get('projects');

  it('shows over-commit and stamps lastReconciliation only on change', () => {
    assert.ok(figures);
    const first = nextBucketStatus(undefined, figures, 1, now);
    assert.deepEqual(
      [first?.limit, first?.allocated, first?.available, first?.overcommitted, first?.lastReconciliation],
      [1, 3, 0, 2, '2026-11-21T10:00:00Z'],
    );
    assert.equal(nextBucketStatus(first, figures, 1, new Date('2026-11-21T12:00:00Z')), undefined);
    assert.ok(nextBucketStatus(first, figures, 2, now), 'a new generation is written');
  });
});

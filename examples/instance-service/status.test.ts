import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimDecision } from '@milo-quota/client';
import type { InstanceStatus } from './instance.ts';
import { type Observation, planStatus } from './status.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-01-01T00:01:00Z');

const pending: ClaimDecision = {
  outcome: 'pending',
  reason: 'PendingEvaluation',
  message: 'Awaiting capacity evaluation',
};
const granted: ClaimDecision = { outcome: 'granted', message: 'All 2 resource requests have been granted' };
const denied: ClaimDecision = {
  outcome: 'denied',
  reason: 'QuotaExceeded',
  message:
    'Insufficient quota resources. Contact your account administrator to review quota limits and usage.',
  denials: [
    {
      resourceType: 'compute.example.com/vcpus',
      reason: 'QuotaExceeded',
      message: 'Resource quota exceeded: requested 4, available 2',
      requested: 4,
    },
    {
      resourceType: 'compute.example.com/instances',
      reason: 'QuotaExceeded',
      message: 'Not reserved: denied with the claim',
      requested: 1,
    },
  ],
};

function observe(overrides: Partial<Observation>): Observation {
  return {
    generation: 1,
    vcpus: 4,
    claimName: 'instance-web-1',
    decision: undefined,
    provision: undefined,
    ...overrides,
  };
}

const quotaGranted = (status: InstanceStatus) => {
  const c = status.conditions?.find((x) => x.type === 'QuotaGranted');
  return c && [c.status, c.reason];
};

describe('planStatus', () => {
  const cases: ReadonlyArray<{
    name: string;
    obs: Partial<Observation>;
    phase: string;
    condition: [string, string];
    requeueAfterMs?: number;
  }> = [
    { name: 'no claim yet', obs: {}, phase: 'PendingQuota', condition: ['False', 'PendingEvaluation'] },
    {
      name: 'claim pending',
      obs: { decision: pending },
      phase: 'PendingQuota',
      condition: ['False', 'PendingEvaluation'],
    },
    {
      name: 'claim denied',
      obs: { decision: denied },
      phase: 'QuotaExceeded',
      condition: ['False', 'QuotaExceeded'],
    },
    {
      name: 'granted, VM coming up',
      obs: { decision: granted, provision: { ready: false, retryAfterMs: 150 } },
      phase: 'Provisioning',
      condition: ['True', 'QuotaAvailable'],
      requeueAfterMs: 150,
    },
    {
      name: 'granted, VM ready',
      obs: { decision: granted, provision: { ready: true } },
      phase: 'Running',
      condition: ['True', 'QuotaAvailable'],
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.phase}, QuotaGranted=${c.condition.join('/')}`, () => {
      const plan = planStatus(undefined, observe(c.obs), T0);
      assert.equal(plan.status.phase, c.phase);
      assert.deepEqual(quotaGranted(plan.status), c.condition);
      assert.equal(plan.requeueAfterMs, c.requeueAfterMs);
      assert.equal(plan.changed, true, 'a first status is always written');
      assert.equal(plan.status.observedGeneration, 1);
    });
  }

  it('on denial, shows the claim message as status.message and each denied request in the condition', () => {
    const { status } = planStatus(undefined, observe({ decision: denied }), T0);
    assert.equal(status.message, denied.message);
    assert.equal(
      status.conditions?.[0]?.message,
      'compute.example.com/vcpus: Resource quota exceeded: requested 4, available 2; ' +
        'compute.example.com/instances: Not reserved: denied with the claim',
    );
  });

  it('maps a ValidationFailed denial to the same reason on the condition', () => {
    const invalid: ClaimDecision = {
      ...denied,
      reason: 'ValidationFailed',
      message: 'not registered',
      denials: [],
    };
    const { status } = planStatus(undefined, observe({ decision: invalid }), T0);
    assert.equal(status.phase, 'QuotaExceeded');
    assert.deepEqual(quotaGranted(status), ['False', 'ValidationFailed']);
    assert.equal(status.conditions?.[0]?.message, 'not registered');
  });

  it('names the claim while waiting', () => {
    const { status } = planStatus(undefined, observe({ decision: pending }), T0);
    assert.match(status.message ?? '', /ResourceClaim instance-web-1/);
    assert.equal(status.conditions?.[0]?.message, 'Waiting for quota claim instance-web-1 to be granted');
  });

  it('does not ask to be called back when granted but the provisioner was not asked', () => {
    const plan = planStatus(undefined, observe({ decision: granted }), T0);
    assert.equal(plan.status.phase, 'Provisioning');
    assert.equal(plan.requeueAfterMs, undefined);
  });

  it('reports no change, and keeps the transition time, when the status already says it', () => {
    const first = planStatus(undefined, observe({ decision: pending }), T0).status;
    const again = planStatus(first, observe({ decision: pending }), T1);
    assert.equal(again.changed, false);
    assert.equal(again.status.conditions, first.conditions);
  });

  it('moves lastTransitionTime only when the condition status flips', () => {
    const waiting = planStatus(undefined, observe({ decision: pending }), T0).status;
    const provisioning = planStatus(
      waiting,
      observe({ decision: granted, provision: { ready: false, retryAfterMs: 200 } }),
      T1,
    ).status;
    assert.equal(provisioning.conditions?.[0]?.lastTransitionTime, '2025-01-01T00:01:00Z');
    const running = planStatus(provisioning, observe({ decision: granted, provision: { ready: true } }), T0);
    assert.equal(running.changed, true, 'the phase moved');
    assert.equal(running.status.conditions?.[0]?.lastTransitionTime, '2025-01-01T00:01:00Z');
  });

  it('advances observedGeneration even when nothing else changed', () => {
    const first = planStatus(undefined, observe({ decision: denied }), T0).status;
    const plan = planStatus(first, observe({ decision: denied, generation: 2 }), T1);
    assert.equal(plan.changed, true);
    assert.equal(plan.status.observedGeneration, 2);
    assert.equal(plan.status.conditions?.[0]?.observedGeneration, 2);
  });

  it('follows the observations, not the previous phase', () => {
    const running = planStatus(undefined, observe({ decision: granted, provision: { ready: true } }), T0);
    const stale = planStatus(running.status, observe({ decision: pending }), T1);
    assert.equal(stale.status.phase, 'PendingQuota');
  });
});

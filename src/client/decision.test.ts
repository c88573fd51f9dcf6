import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Allocation,
  CONDITION_GRANTED,
  type Condition,
  claimGrantedMessage,
  MESSAGES,
  type ResourceClaim,
} from '../api/index.ts';
import { claimOutcome, quotaExceededMessage } from '../quota/index.ts';
import { deniedWithClaimMessage } from '../quota/messages.ts';
import { claimDecision } from './decision.ts';

const T = '2025-01-01T00:00:00Z';
const granted = (message: string): Condition => ({
  type: CONDITION_GRANTED,
  status: 'True',
  reason: 'QuotaAvailable',
  message,
  lastTransitionTime: T,
});
const falseWith = (reason: string, message: string): Condition => ({
  type: CONDITION_GRANTED,
  status: 'False',
  reason,
  message,
  lastTransitionTime: '1970-01-01T00:00:00Z',
});
const PENDING_DEFAULT = falseWith('PendingEvaluation', MESSAGES.claimPending);

function claim(conditions?: Condition[], allocations?: Allocation[]): ResourceClaim {
  const status = {
    ...(conditions === undefined ? {} : { conditions }),
    ...(allocations === undefined ? {} : { allocations }),
  };
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceClaim',
    metadata: { name: 'c', namespace: 'ns' },
    spec: {
      consumerRef: { kind: 'Organization', name: 'acme' },
      requests: [
        { resourceType: 'cpus', amount: 4 },
        { resourceType: 'instances', amount: 1 },
      ],
    },
    ...(conditions === undefined && allocations === undefined ? {} : { status }),
  };
}

const allocation = (resourceType: string, status: Allocation['status'], extra: Partial<Allocation> = {}) => ({
  resourceType,
  status,
  lastTransitionTime: T,
  ...extra,
});

describe('claimDecision', () => {
  it('reads the CRD default Granted=False/PendingEvaluation as pending, never as a denial', () => {
    const decision = claimDecision(claim([PENDING_DEFAULT]));
    assert.deepEqual(decision, {
      outcome: 'pending',
      reason: 'PendingEvaluation',
      message: 'Awaiting capacity evaluation',
    });
  });

  it('reads a claim without status as pending', () => {
    assert.equal(claimDecision(claim()).outcome, 'pending');
  });

  it('reads Granted=True as granted', () => {
    const all = [allocation('cpus', 'Granted'), allocation('instances', 'Granted')];
    assert.deepEqual(claimDecision(claim([granted(claimGrantedMessage(2))], all)), {
      outcome: 'granted',
      message: 'All 2 resource requests have been granted',
    });
  });

  it('reads QuotaExceeded as denied, with each denied request, its amount, reason and message', () => {
    const denied = allocation('cpus', 'Denied', {
      reason: 'QuotaExceeded',
      message: quotaExceededMessage(4, 2),
    });
    const decision = claimDecision(
      claim(
        [falseWith('QuotaExceeded', MESSAGES.claimExceeded)],
        [denied, allocation('instances', 'Denied')],
      ),
    );
    assert.deepEqual(decision, {
      outcome: 'denied',
      reason: 'QuotaExceeded',
      message: MESSAGES.claimExceeded,
      denials: [
        {
          resourceType: 'cpus',
          requested: 4,
          reason: 'QuotaExceeded',
          message: 'Resource quota exceeded: requested 4, available 2',
        },
        { resourceType: 'instances', requested: 1, reason: 'QuotaExceeded', message: '' },
      ],
    });
  });

  it('never reads figures out of a message: requested is the claim amount, in base units', () => {
    const vcpus = { displayUnit: 'vCPUs', unitConversionFactor: 1000 };
    const cpus = allocation('cpus', 'Denied', {
      reason: 'QuotaExceeded',
      message: quotaExceededMessage(4000, 2500, vcpus),
    });
    const c = claim([falseWith('QuotaExceeded', MESSAGES.claimExceeded)], [cpus]);
    c.spec.requests[0] = { resourceType: 'cpus', amount: 4000 };
    const decision = claimDecision(c);
    assert.deepEqual(decision.outcome === 'denied' && decision.denials, [
      { resourceType: 'cpus', requested: 4000, reason: 'QuotaExceeded', message: cpus.message },
    ]);
  });

  it("gives a request denied with its claim its own amount, not the figures of the other request's message", () => {
    const cause = quotaExceededMessage(4, 2);
    const sibling = allocation('instances', 'Denied', {
      reason: 'QuotaExceeded',
      message: deniedWithClaimMessage('cpus', cause),
    });
    const decision = claimDecision(
      claim([falseWith('QuotaExceeded', MESSAGES.claimExceeded)], [allocation('cpus', 'Denied'), sibling]),
    );
    assert.deepEqual(decision.outcome === 'denied' && decision.denials[1], {
      resourceType: 'instances',
      requested: 1,
      reason: 'QuotaExceeded',
      message: sibling.message,
    });
  });

  it('reads a Denied allocation as denied even before the condition is rolled up', () => {
    const denied = allocation('instances', 'Denied', {
      reason: 'ValidationFailed',
      message: 'not registered',
    });
    const decision = claimDecision(claim([PENDING_DEFAULT], [allocation('cpus', 'Granted'), denied]));
    assert.equal(decision.outcome, 'denied');
    assert.equal(decision.outcome === 'denied' && decision.reason, 'ValidationFailed');
    assert.equal(decision.outcome === 'denied' && decision.message, 'instances: not registered');
  });

  it('prefers a Denied allocation over a Granted=True condition (inconsistent status: do not provision)', () => {
    const decision = claimDecision(claim([granted('x')], [allocation('cpus', 'Denied')]));
    assert.equal(decision.outcome, 'denied');
  });

  it('reads ValidationFailed as denied, with the rolled-up message', () => {
    const invalid = allocation('cpus', 'Denied', { reason: 'ValidationFailed', message: 'not registered' });
    const rolled = falseWith('ValidationFailed', 'Validation failed: not registered');
    const decision = claimDecision(claim([rolled], [invalid, allocation('instances', 'Denied')]));
    assert.equal(decision.outcome === 'denied' && decision.reason, 'ValidationFailed');
    assert.equal(decision.outcome === 'denied' && decision.message, 'Validation failed: not registered');
  });

  it('reads granted allocations as granted even before the condition is rolled up', () => {
    const all = [allocation('cpus', 'Granted'), allocation('instances', 'Granted')];
    assert.deepEqual(claimDecision(claim([PENDING_DEFAULT], all)), {
      outcome: 'granted',
      message: 'All 2 resource requests have been granted',
    });
  });

  it("has the operator's outcome for every status: the allocations decide, a condition alone does not", () => {
    const statuses: [Condition[], Allocation[]][] = [
      [[falseWith('QuotaExceeded', MESSAGES.claimExceeded)], []],
      [[granted('x')], [allocation('cpus', 'Granted')]],
      [[PENDING_DEFAULT], [allocation('cpus', 'Granted'), allocation('instances', 'Pending')]],
      [[granted('x')], [allocation('cpus', 'Granted'), allocation('instances', 'Granted')]],
      [[PENDING_DEFAULT], [allocation('other', 'Denied')]],
      [[], [allocation('cpus', 'Granted'), allocation('instances', 'Denied')]],
    ];
    for (const [conditions, allocations] of statuses) {
      const c = claim(conditions, allocations);
      assert.equal(
        claimDecision(c).outcome,
        claimOutcome(c.spec.requests, allocations),
        JSON.stringify({ conditions, allocations }),
      );
    }
    const conditionOnly = claim([falseWith('QuotaExceeded', MESSAGES.claimExceeded)], []);
    assert.equal(claimDecision(conditionOnly).outcome, 'pending', 'a condition without allocations');
  });

  it('reads a partly granted claim as pending', () => {
    const decision = claimDecision(
      claim(
        [falseWith('PendingEvaluation', 'Awaiting capacity evaluation: 1 granted, 1 pending')],
        [allocation('cpus', 'Granted')],
      ),
    );
    assert.equal(decision.outcome, 'pending');
    assert.equal(
      decision.outcome === 'pending' && decision.message,
      'Awaiting capacity evaluation: 1 granted, 1 pending',
    );
  });

  it('reads an Unknown condition as pending', () => {
    const unknown = { ...PENDING_DEFAULT, status: 'Unknown' as const, reason: 'QuotaExceeded' };
    assert.equal(claimDecision(claim([unknown])).outcome, 'pending');
  });
});

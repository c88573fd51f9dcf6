import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimCondition } from './claim-condition.ts';
import { claimCondition, INITIAL_CLAIM_CONDITION } from './claim-condition.ts';
import { deniedWithClaimMessage, notRegisteredMessage } from './messages.ts';
import { claim, denied, granted, pending } from './test-builders.ts';
import type { AllocationInput } from './types.ts';

const invalid = (resourceType: string): AllocationInput => ({
  resourceType,
  status: 'Denied',
  reason: 'ValidationFailed',
  message: notRegisteredMessage(resourceType),
});
const alongside = (resourceType: string, cause: string): AllocationInput => ({
  resourceType,
  status: 'Denied',
  reason: 'ValidationFailed',
  message: deniedWithClaimMessage(cause, notRegisteredMessage(cause)),
});

const cases: Record<
  string,
  { requests: Record<string, number>; allocations: AllocationInput[]; want: Omit<ClaimCondition, 'type'> }
> = {
  'no allocations yet': {
    requests: { cpu: 1 },
    allocations: [],
    want: {
      status: 'False',
      reason: 'PendingEvaluation',
      message: 'Awaiting capacity evaluation: 0 granted, 1 pending',
    },
  },
  'one request granted (the string Milo’s e2e test pins)': {
    requests: { cpu: 1 },
    allocations: [granted('cpu', 1)],
    want: { status: 'True', reason: 'QuotaAvailable', message: 'All 1 resource requests have been granted' },
  },
  'all of several granted': {
    requests: { cpu: 1, mem: 2 },
    allocations: [granted('cpu', 1), granted('mem', 2)],
    want: { status: 'True', reason: 'QuotaAvailable', message: 'All 2 resource requests have been granted' },
  },
  'partly granted, rest pending': {
    requests: { cpu: 1, mem: 2 },
    allocations: [granted('cpu', 1), pending('mem')],
    want: {
      status: 'False',
      reason: 'PendingEvaluation',
      message: 'Awaiting capacity evaluation: 1 granted, 1 pending',
    },
  },
  'any Denied request denies the claim': {
    requests: { cpu: 1, mem: 2 },
    allocations: [granted('cpu', 1), denied('mem')],
    want: {
      status: 'False',
      reason: 'QuotaExceeded',
      message:
        'Insufficient quota resources. Contact your account administrator to review quota limits and usage.',
    },
  },
  'an unregistered resource type: ValidationFailed naming the cause, not the requests denied alongside': {
    requests: { cpu: 1, gpu: 1 },
    allocations: [alongside('cpu', 'gpu'), invalid('gpu')],
    want: {
      status: 'False',
      reason: 'ValidationFailed',
      message: `Validation failed: ${notRegisteredMessage('gpu')}`,
    },
  },
  'an allocation for a type no longer requested is ignored': {
    requests: { cpu: 1 },
    allocations: [granted('cpu', 1), denied('old')],
    want: { status: 'True', reason: 'QuotaAvailable', message: 'All 1 resource requests have been granted' },
  },
};

describe('claimCondition', () => {
  for (const [name, { requests, allocations, want }] of Object.entries(cases)) {
    it(name, () =>
      assert.deepEqual(claimCondition(claim('c', requests, { allocations })), { type: 'Granted', ...want }),
    );
  }

  it('uses a wait message while pending', () => {
    const condition = claimCondition(claim('c', { cpu: 1 }), { pendingMessage: 'Awaiting grants' });
    assert.deepEqual(condition, {
      type: 'Granted',
      status: 'False',
      reason: 'PendingEvaluation',
      message: 'Awaiting grants',
    });
  });

  it('starts from the CRD default', () => {
    assert.deepEqual(INITIAL_CLAIM_CONDITION, {
      type: 'Granted',
      status: 'False',
      reason: 'PendingEvaluation',
      message: 'Awaiting capacity evaluation',
    });
  });
});

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

type Want = Omit<ClaimCondition, 'type'>;
const pendingWith = (message: string): Want => ({ status: 'False', reason: 'PendingEvaluation', message });
const allGranted = (n: number): Want => ({
  status: 'True',
  reason: 'QuotaAvailable',
  message: `All ${n} resource requests have been granted`,
});

const cases: Record<
  string,
  { requests: Record<string, number>; allocations: AllocationInput[]; want: Want }
> = {
  'no allocations yet': {
    requests: { cpu: 1 },
    allocations: [],
    want: pendingWith('Awaiting capacity evaluation: 0 granted, 1 pending'),
  },
  'one request granted (the string Milo’s e2e test pins)': {
    requests: { cpu: 1 },
    allocations: [granted('cpu', 1)],
    want: { ...allGranted(1), message: 'All 1 resource requests have been granted' },
  },
  'all of several granted': {
    requests: { cpu: 1, mem: 2 },
    allocations: [granted('cpu', 1), granted('mem', 2)],
    want: allGranted(2),
  },
  'partly granted, rest pending': {
    requests: { cpu: 1, mem: 2 },
    allocations: [granted('cpu', 1), pending('mem')],
    want: pendingWith('Awaiting capacity evaluation: 1 granted, 1 pending'),
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
    want: allGranted(1),
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
    assert.deepEqual(condition, { type: 'Granted', ...pendingWith('Awaiting grants') });
  });

  it('starts from the CRD default', () => {
    assert.deepEqual(INITIAL_CLAIM_CONDITION, {
      type: 'Granted',
      ...pendingWith('Awaiting capacity evaluation'),
    });
  });
});

// The overall `Granted` condition of a claim, rolled up from its allocations (reference §2.3). Milo's
// strings are kept verbatim; ValidationFailed (allowed by Milo's CRD, never set there) marks a claim denied
// for a configuration problem rather than for lack of quota.
import type { ClaimReason } from './messages.ts';
import * as text from './messages.ts';
import type { AllocationInput, RequestInput } from './types.ts';

export interface ClaimCondition {
  readonly type: 'Granted';
  readonly status: 'True' | 'False';
  readonly reason: ClaimReason;
  readonly message: string;
}

/** The CRD's default before any decision. */
export const INITIAL_CLAIM_CONDITION: ClaimCondition = {
  type: 'Granted',
  status: 'False',
  reason: 'PendingEvaluation',
  message: text.CLAIM_PENDING_DEFAULT_MESSAGE,
};

export interface ClaimConditionOptions {
  /** Replaces the pending message, e.g. with a wait decision's message. */
  readonly pendingMessage?: string;
}

export function claimCondition(
  claim: { readonly requests: readonly RequestInput[]; readonly allocations: readonly AllocationInput[] },
  options: ClaimConditionOptions = {},
): ClaimCondition {
  const byType = new Map<string, AllocationInput>();
  for (const allocation of claim.allocations) {
    if (!byType.has(allocation.resourceType)) byType.set(allocation.resourceType, allocation);
  }
  const allocations = claim.requests.map((request) => byType.get(request.resourceType));
  const granted = allocations.filter((a) => a?.status === 'Granted').length;
  const denied = allocations.filter((a): a is AllocationInput => a?.status === 'Denied');

  if (claim.requests.length > 0 && granted === claim.requests.length) {
    const message = text.claimGrantedMessage(granted);
    return { type: 'Granted', status: 'True', reason: 'QuotaAvailable', message };
  }
  const invalid = denied.filter((a) => a.reason === 'ValidationFailed');
  if (invalid.length > 0) {
    const causes = invalid.filter((a) => !text.isDeniedWithClaimMessage(a.message));
    const details = (causes.length > 0 ? causes : invalid).map(
      (a) => a.message ?? `'${a.resourceType}' denied`,
    );
    const message = `Validation failed: ${details.join('; ')}`;
    return { type: 'Granted', status: 'False', reason: 'ValidationFailed', message };
  }
  if (denied.length > 0) {
    return { type: 'Granted', status: 'False', reason: 'QuotaExceeded', message: text.CLAIM_DENIED_MESSAGE };
  }
  const message =
    options.pendingMessage ?? text.claimPendingMessage(granted, claim.requests.length - granted);
  return { type: 'Granted', status: 'False', reason: 'PendingEvaluation', message };
}

/**
 * Where a claim stands for someone waiting on it: granted when every request is Granted, denied as soon as
 * any request is Denied, else pending (the initial Granted=False/PendingEvaluation is never a denial).
 */
export function claimOutcome(
  requests: readonly RequestInput[],
  allocations: readonly { readonly resourceType: string; readonly status: string }[],
): 'granted' | 'denied' | 'pending' {
  if (allocations.some((a) => a.status === 'Denied')) return 'denied';
  const granted = new Set(allocations.filter((a) => a.status === 'Granted').map((a) => a.resourceType));
  return requests.length > 0 && requests.every((r) => granted.has(r.resourceType)) ? 'granted' : 'pending';
}

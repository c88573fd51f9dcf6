// Applying decisions to claims, exactly as the controller's status write will: used to compute figures after
// a round, by the ledger to overlay writes in flight, and by tests to replay rounds.
import type { Decision } from './decision.ts';
import type { AllocationInput, ClaimInput } from './types.ts';
import { claimKey } from './types.ts';

const isFinal = (allocation: AllocationInput): boolean =>
  allocation.status === 'Granted' || allocation.status === 'Denied';

/**
 * Merges `updates` into `existing` by resourceType (the list-map key). A final entry (Granted or Denied) is
 * never replaced: decided is final (SPEC §4.6), even if a stale decision arrives for it.
 */
export function mergeAllocations(
  existing: readonly AllocationInput[],
  updates: readonly AllocationInput[],
): AllocationInput[] {
  const merged = [...existing];
  for (const update of updates) {
    const index = merged.findIndex((entry) => entry.resourceType === update.resourceType);
    if (index < 0) merged.push(update);
    else if (!isFinal(merged[index] as AllocationInput)) merged[index] = update;
  }
  return merged;
}

/** The claim with the decision's allocations written. A wait changes nothing. */
export function applyDecision(claim: ClaimInput, decision: Decision): ClaimInput {
  if (decision.kind === 'wait' || decision.claim.uid !== claim.uid) return claim;
  return { ...claim, allocations: mergeAllocations(claim.allocations, decision.allocations) };
}

/** Applies each decision to the claim with the same key and uid. */
export function applyDecisions(claims: readonly ClaimInput[], decisions: readonly Decision[]): ClaimInput[] {
  const byKey = new Map(decisions.map((decision) => [claimKey(decision.claim), decision]));
  return claims.map((claim) => {
    const decision = byKey.get(claimKey(claim));
    return decision === undefined ? claim : applyDecision(claim, decision);
  });
}

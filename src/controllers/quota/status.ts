// The statuses the consumer reconciler writes: a claim's allocations and Granted condition, and a bucket's
// figures. Pure, so that "what would we write" is testable and a no-op write can be skipped.
import {
  type Allocation,
  type AllowanceBucketStatus,
  CONDITION_GRANTED,
  type ResourceClaim,
  type ResourceClaimStatus,
  setCondition,
  statusEqual,
  toRFC3339,
} from '../../api/index.ts';
import { toClaimInput } from '../../cache/index.ts';
import {
  type AllocationInput,
  allocationDetails,
  type BucketFigures,
  claimCondition,
  type Decision,
  mergeAllocations,
} from '../../quota/index.ts';

function toAllocation(input: AllocationInput, now: string): Allocation {
  return {
    resourceType: input.resourceType,
    status: input.status,
    ...allocationDetails(input),
    lastTransitionTime: now,
  };
}

/**
 * The claim's status after `decision` (or with no decision this round): final entries are kept as they are,
 * new ones stamped `now`; the Granted condition is rolled up from them; observedGeneration follows the spec.
 * Returns undefined when the stored status already says exactly this.
 */
export function nextClaimStatus(
  claim: ResourceClaim,
  decision: Decision | undefined,
  now: Date,
): ResourceClaimStatus | undefined {
  const stamp = toRFC3339(now);
  const current = claim.status?.allocations ?? [];
  const input = toClaimInput(claim); // also for settled claims: nothing kept per claim
  let allocations: Allocation[] = current;
  if (decision !== undefined && decision.kind !== 'wait') {
    const merged = mergeAllocations(input.allocations, decision.allocations);
    allocations = merged.map((entry) => {
      const kept = current.find((a) => a.resourceType === entry.resourceType && a.status === entry.status);
      return kept ?? toAllocation(entry, stamp);
    });
  }
  const rolled = claimCondition(
    { requests: input.requests, allocations },
    decision?.kind === 'wait' ? { pendingMessage: decision.message } : {},
  );
  const next: ResourceClaimStatus = {
    ...claim.status,
    observedGeneration: claim.metadata.generation ?? 0,
    conditions: setCondition(claim.status?.conditions, { ...rolled, type: CONDITION_GRANTED }, now),
  };
  if (allocations.length > 0) next.allocations = allocations;
  return statusEqual(claim.status, next) ? undefined : next;
}

/** A bucket's status from its figures; lastReconciliation moves only when something else changed (Milo). */
export function nextBucketStatus(
  current: AllowanceBucketStatus | undefined,
  figures: BucketFigures,
  generation: number,
  now: Date,
): AllowanceBucketStatus | undefined {
  const next: AllowanceBucketStatus = {
    observedGeneration: generation,
    limit: figures.limit,
    allocated: figures.allocated,
    available: figures.available,
    claimCount: figures.claimCount,
    grantCount: figures.grantCount,
    contributingGrantRefs: figures.contributingGrantRefs.map((ref) => ({ ...ref })),
  };
  if (figures.overCommitted) next.overcommitted = figures.overCommittedBy;
  const unchanged = current !== undefined && statusEqual({ ...current, lastReconciliation: undefined }, next);
  if (unchanged) return undefined;
  return { ...next, lastReconciliation: toRFC3339(now) };
}

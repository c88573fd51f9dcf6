// How the engine reads one claim's status: which requests are still open, what the claim holds, whether it
// is already denied. Figures and decisions both read claims through this one function, so they can never
// disagree about what a claim holds.
import { memoizedPerObject } from './memo.ts';
import type { AllocationInput, ClaimInput, RequestInput } from './types.ts';

export interface ClaimState {
  /** Requests (first of each resourceType) whose allocation is missing or Pending. */
  readonly open: readonly RequestInput[];
  /** Granted amount per resourceType. It counts towards `allocated` only when `holds` is true. */
  readonly granted: ReadonlyMap<string, number>;
  /** The first Denied allocation of a requested resourceType: the claim as a whole is denied. */
  readonly denied: AllocationInput | undefined;
  /**
   * The claim's Granted allocations count towards `allocated`: it is not being deleted and not denied.
   * A claim that is denied holds nothing, even where an older writer left Granted entries behind (Milo's
   * non-atomic partial grants): the claim is denied as a whole, so that capacity is free.
   */
  readonly holds: boolean;
  /** A resourceType requested twice (admission forbids it), with the index of the repeat. */
  readonly duplicate: { readonly resourceType: string; readonly index: number } | undefined;
}

/**
 * Claim inputs are never changed once made (a change makes a new object: the cache's next copy, an overlay,
 * an applied decision), so each one's state is worked out once: a pass reads every claim of its consumer.
 */
export const claimState: (claim: ClaimInput) => ClaimState = memoizedPerObject(computeState);

function computeState(claim: ClaimInput): ClaimState {
  const allocations = new Map<string, AllocationInput>();
  for (const allocation of claim.allocations) {
    if (!allocations.has(allocation.resourceType)) allocations.set(allocation.resourceType, allocation);
  }
  const requests = new Map<string, RequestInput>();
  let duplicate: ClaimState['duplicate'];
  claim.requests.forEach((request, index) => {
    if (!requests.has(request.resourceType)) requests.set(request.resourceType, request);
    else duplicate ??= { resourceType: request.resourceType, index };
  });

  const open: RequestInput[] = [];
  const granted = new Map<string, number>();
  let denied: AllocationInput | undefined;
  for (const request of requests.values()) {
    const allocation = allocations.get(request.resourceType);
    if (allocation === undefined || allocation.status === 'Pending') open.push(request);
    else if (allocation.status === 'Granted') {
      granted.set(request.resourceType, allocation.allocatedAmount ?? request.amount);
    } else denied ??= allocation;
  }
  return { open, granted, denied, holds: claim.deleting !== true && denied === undefined, duplicate };
}

/** What the claim counts towards `allocated`, per resourceType (empty when it holds nothing). */
export function heldAmounts(claim: ClaimInput): ReadonlyMap<string, number> {
  const state = claimState(claim);
  return state.holds ? state.granted : new Map();
}

// Decisions sent to the API server but not yet seen back through the watch (kueue's assumeWorkload). The
// decider overlays them on its cache snapshot, so a second round before the watch catches up counts a grant
// in flight as allocated and does not decide the same claim twice.
//
// Controller contract: assume before the write; forget only when the write definitely did not happen (a 409
// conflict, a 404, a validation error). After an ambiguous failure (a timeout, a dropped connection) keep the
// assumption: the write may have landed, and observe() drops it once the cache shows the claim either way.
import { mergeAllocations } from './apply.ts';
import type { Decision } from './decision.ts';
import type { AllocationInput, ClaimIdentity, ClaimInput, ConsumerSnapshot } from './types.ts';
import { claimKey } from './types.ts';

interface Assumption {
  readonly uid: string;
  readonly allocations: readonly AllocationInput[];
}

export class Ledger {
  readonly #assumed = new Map<string, Assumption>();

  /** Records allocations being written to a claim. Returns an undo function (forgets this assumption only). */
  assume(claim: ClaimIdentity, allocations: readonly AllocationInput[]): () => void {
    const key = claimKey(claim);
    const assumption: Assumption = { uid: claim.uid, allocations };
    this.#assumed.set(key, assumption);
    return () => {
      if (this.#assumed.get(key) === assumption) this.#assumed.delete(key);
    };
  }

  /** assume() for a grant or deny; a wait writes nothing and is not recorded. */
  assumeDecision(decision: Decision): () => void {
    if (decision.kind === 'wait') return () => {};
    return this.assume(decision.claim, decision.allocations);
  }

  /** Drops the assumption for `namespace/name` (the write failed, or the claim is gone). */
  forget(key: string): void {
    this.#assumed.delete(key);
  }

  /**
   * Feeds the cache's view of a claim. The assumption is dropped once that view shows every assumed
   * resourceType decided (by this write or any other), or once the claim is deleted or replaced (new uid).
   * A stale view that still shows the requests open keeps it.
   */
  observe(claim: ClaimInput): void {
    const key = claimKey(claim);
    const assumption = this.#assumed.get(key);
    if (assumption === undefined) return;
    const final = new Set(
      claim.allocations.filter((a) => a.status !== 'Pending').map((allocation) => allocation.resourceType),
    );
    const settled = assumption.allocations.every((a) => final.has(a.resourceType));
    if (settled || claim.uid !== assumption.uid || claim.deleting === true) this.#assumed.delete(key);
  }

  /** The claims as they will be once the writes in flight land. Claims without an assumption are unchanged. */
  overlay(claims: readonly ClaimInput[]): ClaimInput[] {
    return claims.map((claim) => {
      const assumption = this.#assumed.get(claimKey(claim));
      if (assumption === undefined || assumption.uid !== claim.uid) return claim;
      return { ...claim, allocations: mergeAllocations(claim.allocations, assumption.allocations) };
    });
  }

  /** overlay() applied to a snapshot's claims. */
  overlaySnapshot(snapshot: ConsumerSnapshot): ConsumerSnapshot {
    return { ...snapshot, claims: this.overlay(snapshot.claims) };
  }

  has(key: string): boolean {
    return this.#assumed.has(key);
  }

  get size(): number {
    return this.#assumed.size;
  }
}

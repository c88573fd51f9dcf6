// Claim status writes whose outcome is unknown (a timeout, a dropped connection, a 5xx): the write may or may
// not have landed, so its decision stays assumed in the ledger (counted as allocated) until a live read
// settles it. Every write carries the resourceVersion it was based on, which makes the live read decisive:
// - the claim shows the decision made final          → it landed (the watch will catch up);
// - the claim is at ANOTHER resourceVersion, still open → it can never land (its precondition is stale):
//   forget the assumption and decide the claim again;
// - the claim is at the SAME resourceVersion, still open → not landed yet: write the same decision again
//   with the same precondition; whichever of the two lands first wins and the other fails with 409;
// - the claim is gone or replaced (another uid)       → forget.
// So no claim stays undecided and no allocation stays counted that no claim holds, once the apiserver answers.
import type { ResourceClaim } from '../../api/index.ts';
import type { Decision } from '../../quota/index.ts';

export interface AmbiguousWrite {
  readonly uid: string;
  /** The resourceVersion precondition the write carried. */
  readonly resourceVersion: string;
  readonly decision: Decision;
}

export type AmbiguousFate = 'landed' | 'dead' | 'unknown' | 'gone';

/** What a live read of the claim says about an ambiguous write. Pure. */
export function ambiguousFate(write: AmbiguousWrite, live: ResourceClaim | undefined): AmbiguousFate {
  if (live === undefined || live.metadata.uid !== write.uid) return 'gone';
  const final = new Set(
    (live.status?.allocations ?? []).filter((a) => a.status !== 'Pending').map((a) => a.resourceType),
  );
  const decided = write.decision.kind === 'wait' ? [] : write.decision.allocations;
  if (decided.length > 0 && decided.every((a) => final.has(a.resourceType))) return 'landed';
  return live.metadata.resourceVersion === write.resourceVersion ? 'unknown' : 'dead';
}

// What happens to a claim for an object in a member cluster (docs/multicluster.md, "Lifecycle across
// clusters"). Pure. The rule that matters most: what the operator cannot see is never freed — an unknown
// object (member unreachable, cache not synced, a live read that failed) keeps its claim.

/** The claimed object as the member shows it. */
export type MemberObject =
  | { readonly kind: 'present'; readonly uid: string }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown'; readonly why: string };

export type MemberClaimFate =
  | { readonly kind: 'keep' }
  | { readonly kind: 'release'; readonly why: string }
  | { readonly kind: 'recheck'; readonly afterMs: number };

export interface MemberClaimInput {
  /** The claimed object's uid, recorded at admission; undefined for a claim made without one. */
  readonly uid: string | undefined;
  readonly createdAtMs: number;
  readonly object: MemberObject;
  readonly nowMs: number;
  /** How long an object may take to appear after its admission (--orphan-grace-period-seconds). */
  readonly graceMs: number;
  /** How soon to look again while the member cannot tell. */
  readonly unknownRecheckMs: number;
}

export function memberClaimFate(input: MemberClaimInput): MemberClaimFate {
  const { object } = input;
  if (object.kind === 'unknown') return { kind: 'recheck', afterMs: input.unknownRecheckMs };
  if (object.kind === 'present') {
    if (input.uid === undefined || object.uid === input.uid) return { kind: 'keep' };
    return {
      kind: 'release',
      why: `the object was replaced (uid ${object.uid}, the claim paid for ${input.uid})`,
    };
  }
  const age = input.nowMs - input.createdAtMs;
  if (age < input.graceMs) return { kind: 'recheck', afterMs: Math.max(250, input.graceMs - age) };
  return {
    kind: 'release',
    why: 'the object is gone from the member (deleted, or never created after admission)',
  };
}

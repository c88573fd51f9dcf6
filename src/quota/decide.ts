// One decision round for one consumer (SPEC §4): snapshot in, decisions out, no I/O. Pending claims are
// decided whole, in creationTimestamp-then-name order, each against the capacity earlier claims left.
import { applyDecision } from './apply.ts';
import { capacityFrom } from './capacity.ts';
import { claimState } from './claim-state.ts';
import type { DecisionRound } from './decision.ts';
import { adjustFigures, compareStrings, computeFigures } from './figures.ts';
import type { ClaimInput, ConsumerSnapshot } from './types.ts';
import { validateSnapshot } from './validate.ts';
import type { RoundContext } from './verdict.ts';
import { decideClaim } from './verdict.ts';

/** Decision order: creationTimestamp, then name; namespace and uid only make ties deterministic. */
export function compareClaims(a: ClaimInput, b: ClaimInput): number {
  return (
    a.creationTimestamp - b.creationTimestamp ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.uid, b.uid)
  );
}

/**
 * Decides every claim of the snapshot that has an open request (no allocation, or a Pending one) and is not
 * being deleted. Requests already Granted or Denied are final and never decided again. Throws
 * QuotaInputError for a snapshot that breaks the API's bounds.
 */
export function decide(snapshot: ConsumerSnapshot): DecisionRound {
  validateSnapshot(snapshot);
  const before = computeFigures(snapshot);
  const ctx: RoundContext = { snapshot, capacity: capacityFrom(before), blocked: new Map() };
  // Only claims with open requests are sorted: most claims of a busy consumer are long decided.
  const open = snapshot.claims
    .filter((claim) => claim.deleting !== true)
    .map((claim) => ({ claim, state: claimState(claim) }))
    .filter(({ state }) => state.open.length > 0)
    .sort((a, b) => compareClaims(a.claim, b.claim));
  const decisions = open.map(({ claim, state }) => decideClaim(claim, state, ctx));
  // a round of waits (or of nothing) leaves the figures as they were
  if (decisions.every((d) => d.kind === 'wait')) return { decisions, figures: before };
  const changes = decisions.map((decision, i) => {
    const before = (open[i] as (typeof open)[number]).claim;
    return { before, after: applyDecision(before, decision) };
  });
  const recompute = () => {
    const after = new Map(changes.map(({ before, after }) => [before, after]));
    const claims = snapshot.claims.map((claim) => after.get(claim) ?? claim);
    return computeFigures({ grants: snapshot.grants, claims, settled: snapshot.settled });
  };
  return { decisions, figures: adjustFigures(before, changes, recompute) };
}

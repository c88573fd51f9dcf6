// One decision round for one consumer (SPEC §4): snapshot in, decisions out, no I/O. Pending claims are
// decided whole, in the snapshot's order (ordering.ts; FCFS by default), each against the capacity earlier
// claims left.
import { applyDecision } from './apply.ts';
import { capacityFrom } from './capacity.ts';
import { claimState } from './claim-state.ts';
import type { RoundContext } from './decide-claim.ts';
import { decideClaim } from './decide-claim.ts';
import type { DecisionRound } from './decision.ts';
import { adjustFigures, computeFigures } from './figures.ts';
import { FCFS } from './ordering.ts';
import type { ConsumerSnapshot } from './types.ts';
import { validateSnapshot } from './validate-snapshot.ts';

/**
 * Decides every claim of the snapshot that has an open request (no allocation, or a Pending one) and is not
 * being deleted. Requests already Granted or Denied are final and never decided again. Throws
 * QuotaInputError for a snapshot that breaks the API's bounds.
 */
export function decide(snapshot: ConsumerSnapshot): DecisionRound {
  validateSnapshot(snapshot);
  const before = computeFigures(snapshot);
  const ordering = snapshot.ordering ?? FCFS;
  const ctx: RoundContext = {
    snapshot,
    capacity: capacityFrom(before),
    blocked: new Map(),
    waitingHoldsLaterBack: ordering.waitingHoldsLaterBack,
  };
  // Only claims with open requests are sorted: most claims of a busy consumer are long decided.
  const open = snapshot.claims
    .filter((claim) => claim.deleting !== true)
    .map((claim) => ({ claim, state: claimState(claim) }))
    .filter(({ state }) => state.open.length > 0)
    .sort((a, b) => ordering.compare(a.claim, b.claim));
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

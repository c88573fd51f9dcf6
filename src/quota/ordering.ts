// The order in which a round decides a consumer's open claims, as a parameter of the engine (compare Kueue's
// StrictFIFO and BestEffortFIFO queueing strategies). FCFS, the SPEC's order, is the default; another order is
// a comparator here plus whatever fills the ClaimInput fields it reads (controllers/quota/snapshot.ts).
import { compareStrings } from './figures.ts';
import type { ClaimInput, Ordering } from './types.ts';

/** First come, first served: creationTimestamp, then name; namespace and uid only make ties deterministic. */
export function compareClaims(a: ClaimInput, b: ClaimInput): number {
  return (
    a.creationTimestamp - b.creationTimestamp ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.uid, b.uid)
  );
}

/** The default: FCFS, and a waiting claim keeps its place (SPEC §4). */
export const FCFS: Ordering = { compare: compareClaims, waitingHoldsLaterBack: true };

/** Higher `priority` first (absent = 0), then FCFS among equals. */
export const PRIORITY_THEN_FCFS: Ordering = {
  compare: (a, b) => (b.priority ?? 0) - (a.priority ?? 0) || compareClaims(a, b),
  waitingHoldsLaterBack: true,
};

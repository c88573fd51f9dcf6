// Bucket figures (SPEC §4.2), derived from grants and claims alone: the claims' allocations are the source of
// truth, so a bucket's status can always be recomputed and heals after any crash.
import { addAmount, MAX_AMOUNT, subtractAmount } from './amount.ts';
import { heldAmounts } from './claim-state.ts';
import type { ClaimInput, GrantInput, SettledTotals } from './types.ts';

export interface ContributingGrantRef {
  readonly namespace: string;
  readonly name: string;
  readonly lastObservedGeneration: number;
  /** This grant's total for the resourceType. */
  readonly amount: number;
}

export interface BucketFigures {
  readonly resourceType: string;
  /** Sum over Active grants. */
  readonly limit: number;
  /** Sum of Granted allocations of claims that hold capacity. */
  readonly allocated: number;
  /** max(0, limit - allocated). */
  readonly available: number;
  /** Claims holding a Granted allocation of this resourceType. */
  readonly claimCount: number;
  /** Active grants with an allowance for this resourceType (grants, not allowance entries as in Milo). */
  readonly grantCount: number;
  /** Sorted by namespace, then name. */
  readonly contributingGrantRefs: readonly ContributingGrantRef[];
  /** limit < allocated: a grant shrank or went away after capacity was granted. Nothing is revoked. */
  readonly overCommitted: boolean;
  /** allocated - limit when over-committed, else 0. */
  readonly overCommittedBy: number;
}

export type FiguresByType = ReadonlyMap<string, BucketFigures>;

/**
 * Whether a consumer has a Feature (a registration of type Feature): on while its bucket's limit is above 0,
 * i.e. an Active grant gives it an amount of at least 1. Features are never claimed, so allocated and
 * available say nothing about them (a stale claim from before a re-registration cannot switch one off).
 */
export function featureEnabled(bucket: { readonly limit: number } | undefined): boolean {
  return bucket !== undefined && bucket.limit > 0;
}

interface Tally {
  limit: number;
  allocated: number;
  claimCount: number;
  refs: ContributingGrantRef[];
}

/** Figures for every resourceType any grant or live claim mentions, sorted by resourceType. */
export function computeFigures(input: {
  readonly grants: readonly GrantInput[];
  readonly claims: readonly ClaimInput[];
  readonly settled?: ReadonlyMap<string, SettledTotals> | undefined;
}): FiguresByType {
  const tallies = new Map<string, Tally>();
  const tally = (resourceType: string): Tally => {
    let entry = tallies.get(resourceType);
    if (entry === undefined) {
      entry = { limit: 0, allocated: 0, claimCount: 0, refs: [] };
      tallies.set(resourceType, entry);
    }
    return entry;
  };

  for (const grant of input.grants) {
    const perType = new Map<string, number>();
    for (const { resourceType, amount } of grant.allowances) {
      tally(resourceType);
      perType.set(resourceType, addAmount(perType.get(resourceType) ?? 0, amount));
    }
    if (!grant.active) continue;
    for (const [resourceType, amount] of perType) {
      const entry = tally(resourceType);
      entry.limit = addAmount(entry.limit, amount);
      const { namespace, name } = grant;
      entry.refs.push({ namespace, name, lastObservedGeneration: grant.generation ?? 0, amount });
    }
  }

  for (const claim of input.claims) {
    if (claim.deleting === true) continue;
    for (const request of claim.requests) tally(request.resourceType);
    for (const [resourceType, amount] of heldAmounts(claim)) {
      const entry = tally(resourceType);
      entry.allocated = addAmount(entry.allocated, amount);
      entry.claimCount += 1;
    }
  }

  for (const [resourceType, totals] of input.settled ?? []) {
    const entry = tally(resourceType);
    entry.allocated = addAmount(entry.allocated, totals.allocated);
    entry.claimCount += totals.claimCount;
  }

  const figures = new Map<string, BucketFigures>();
  for (const resourceType of [...tallies.keys()].sort(compareStrings)) {
    const { limit, allocated, claimCount, refs } = tallies.get(resourceType) ?? tally(resourceType);
    refs.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
    figures.set(resourceType, {
      resourceType,
      limit,
      allocated,
      available: subtractAmount(limit, allocated),
      claimCount,
      grantCount: refs.length,
      contributingGrantRefs: refs,
      overCommitted: allocated > limit,
      overCommittedBy: subtractAmount(allocated, limit),
    });
  }
  return figures;
}

/** One claim before and after a decision was applied to it. */
export interface ClaimChange {
  readonly before: ClaimInput;
  readonly after: ClaimInput;
}

/**
 * computeFigures of the claims with `changes` applied, from the figures before them: only what the changed
 * claims hold moves, so a round costs its decisions, not the consumer's claims. Changed claims keep their
 * requests (a decision writes allocations only), so no resourceType appears or goes. Where `allocated`
 * saturated at MAX_AMOUNT the sum is not exact any more, and `recompute` gives the answer instead.
 */
export function adjustFigures(
  before: FiguresByType,
  changes: readonly ClaimChange[],
  recompute: () => FiguresByType,
): FiguresByType {
  const deltas = new Map<string, { add: number; release: number; count: number }>();
  const delta = (type: string) => {
    let entry = deltas.get(type);
    if (entry === undefined) {
      entry = { add: 0, release: 0, count: 0 };
      deltas.set(type, entry);
    }
    return entry;
  };
  for (const { before: was, after: now } of changes) {
    if (was.deleting === true) continue; // figures never count a claim being deleted
    for (const [type, amount] of heldAmounts(was)) {
      const entry = delta(type);
      entry.release = addAmount(entry.release, amount);
      entry.count -= 1;
    }
    for (const [type, amount] of heldAmounts(now)) {
      const entry = delta(type);
      entry.add = addAmount(entry.add, amount);
      entry.count += 1;
    }
  }
  const after = new Map(before);
  for (const [type, { add, release, count }] of deltas) {
    const figures = before.get(type);
    if (figures === undefined || figures.allocated >= MAX_AMOUNT || add >= MAX_AMOUNT) return recompute();
    // releases first: the sum before is exact, so taking out what was in it stays exact
    const allocated = addAmount(figures.allocated - release, add);
    const { limit } = figures;
    after.set(type, {
      ...figures,
      allocated,
      available: subtractAmount(limit, allocated),
      claimCount: figures.claimCount + count,
      overCommitted: allocated > limit,
      overCommittedBy: subtractAmount(allocated, limit),
    });
  }
  return after;
}

/** Figures of a resourceType nothing mentions: all zero. */
export function emptyFigures(resourceType: string): BucketFigures {
  return {
    resourceType,
    limit: 0,
    allocated: 0,
    available: 0,
    claimCount: 0,
    grantCount: 0,
    contributingGrantRefs: [],
    overCommitted: false,
    overCommittedBy: 0,
  };
}

/** Code-unit order, independent of locale, so figures and decisions are identical on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

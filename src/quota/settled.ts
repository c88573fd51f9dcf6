// Running totals of what a consumer's settled claims hold, so a decision round need not read them one by one.
// A settled claim has every request decided and is not being deleted: decided is final (SPEC §4.6), so its
// share changes only when the claim goes. Sums are exact (BigInt) however many claims come and go, and are
// read saturated at MAX_AMOUNT, exactly as computeFigures sums them claim by claim.
import { MAX_AMOUNT } from './amount.ts';
import { claimState, heldAmounts } from './claim-state.ts';
import type { ClaimInput, SettledTotals } from './types.ts';

/** What one settled claim adds to its consumer's totals. */
export interface SettledShare {
  readonly held: ReadonlyMap<string, number>;
  /** Its requested resourceTypes, each once. */
  readonly requested: readonly string[];
}

/** The claim's share, or undefined when it is not settled (a request still open, or being deleted). */
export function settledShare(claim: ClaimInput): SettledShare | undefined {
  if (claim.deleting === true || claimState(claim).open.length > 0) return undefined;
  return { held: heldAmounts(claim), requested: [...new Set(claim.requests.map((r) => r.resourceType))] };
}

interface Running {
  allocated: bigint;
  claimCount: number;
  requesting: number;
}

export class SettledBook {
  readonly #byType = new Map<string, Running>();
  #totals: ReadonlyMap<string, SettledTotals> | undefined;
  #claims = 0;

  add(share: SettledShare): void {
    this.#apply(share, 1);
  }

  remove(share: SettledShare): void {
    this.#apply(share, -1);
  }

  /** Settled claims counted. */
  get size(): number {
    return this.#claims;
  }

  /** The totals per resourceType (the same object until the next change). */
  totals(): ReadonlyMap<string, SettledTotals> {
    this.#totals ??= new Map(
      [...this.#byType].map(([type, r]) => [
        type,
        {
          allocated: r.allocated > BigInt(MAX_AMOUNT) ? MAX_AMOUNT : Number(r.allocated),
          claimCount: r.claimCount,
          requesting: r.requesting,
        },
      ]),
    );
    return this.#totals;
  }

  #apply(share: SettledShare, sign: 1 | -1): void {
    this.#totals = undefined;
    this.#claims += sign;
    for (const type of share.requested) this.#running(type).requesting += sign;
    for (const [type, amount] of share.held) {
      const running = this.#running(type);
      running.allocated += BigInt(sign * amount);
      running.claimCount += sign;
    }
    for (const type of share.requested) {
      const running = this.#byType.get(type);
      if (running?.requesting === 0 && running.claimCount === 0) this.#byType.delete(type);
    }
  }

  #running(type: string): Running {
    let running = this.#byType.get(type);
    if (running === undefined) {
      running = { allocated: 0n, claimCount: 0, requesting: 0 };
      this.#byType.set(type, running);
    }
    return running;
  }
}

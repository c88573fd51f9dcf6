// When bucket status writes may go (pure; the caller passes the clock). Buckets are a derived view of the
// claims, so their writes are coalesced and budgeted instead of following every decision:
// - a bucket whose figures changed is *dirty*; marking it again keeps its place (latest figures win, the
//   caller keeps them) and dirty buckets are written oldest-dirty first, at most one write in flight per
//   bucket and `maxInFlight` in all;
// - under load a bucket write needs a credit: every claim status write earns `ratio` (0.1: one bucket write per
//   ten claim writes), and time earns `floorPerSecond`, whichever is more over each interval, so a bucket
//   never waits for ever while claims trickle in; credits are capped at `maxCredits`;
// - once no claim has been written for `quietMs`, the budget is lifted and every dirty bucket is written
//   (still at most `maxInFlight` at once), so buckets become exact promptly when things go quiet.
// Lag bounds (docs/design.md): under load a bucket is written within D / max(ratio × R, floor) seconds of
// turning dirty (D dirty buckets, R claim writes/s), when quiet within quietMs + D × (one write's latency) /
// maxInFlight.

export interface BucketBudgetOptions {
  /** Bucket writes earned per claim status write. Default 0.1. */
  readonly ratio?: number;
  /** Bucket writes earned per second whatever the claim writes (when that is more). Default 1. */
  readonly floorPerSecond?: number;
  /** No claim write for this long lifts the budget. Default 500 ms (a starved process pauses for 250). */
  readonly quietMs?: number;
  /** Credits kept at most. Default 5. */
  readonly maxCredits?: number;
  /** Bucket writes in flight at once, over all buckets, under load. Default 4. */
  readonly maxInFlight?: number;
  /** The same once quiet (catching up). Default 4, as under load. */
  readonly quietMaxInFlight?: number;
  /** A bucket whose write failed waits this long before it is tried again. Default 1,000 ms. */
  readonly retryMs?: number;
}

interface Dirty {
  /** When it turned dirty (ms). */
  readonly since: number;
  /** Not before this time (a retry after a failure). */
  readonly notBefore: number;
}

export class BucketBudget<K> {
  readonly #ratio: number;
  readonly #floor: number;
  readonly #quietMs: number;
  readonly #maxCredits: number;
  readonly #maxInFlight: number;
  readonly #quietMaxInFlight: number;
  readonly #retryMs: number;
  /** Insertion order is the write order: oldest dirty first (a retry goes to the back). */
  readonly #dirty = new Map<K, Dirty>();
  /** Buckets being written → whether next() charged a credit for it. */
  readonly #inFlight = new Map<K, boolean>();
  #credits = 0;
  #lastTick: number;
  #claimsSinceTick = 0;
  #lastClaimWrite = Number.NEGATIVE_INFINITY;
  #claimWrites = 0;
  #bucketWrites = 0;

  constructor(now: number, options: BucketBudgetOptions = {}) {
    this.#ratio = options.ratio ?? 0.1;
    this.#floor = options.floorPerSecond ?? 1;
    this.#quietMs = options.quietMs ?? 500;
    this.#maxCredits = options.maxCredits ?? 5;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#quietMaxInFlight = Math.max(this.#maxInFlight, options.quietMaxInFlight ?? 4);
    this.#retryMs = options.retryMs ?? 1_000;
    this.#lastTick = now;
  }

  /** The bucket's figures differ from what is stored. A bucket already dirty keeps its place. */
  markDirty(key: K, now: number): void {
    if (!this.#dirty.has(key)) this.#dirty.set(key, { since: now, notBefore: now });
  }

  /** The bucket's stored figures are right again: nothing to write (a write in flight finishes anyway). */
  clean(key: K): void {
    this.#dirty.delete(key);
  }

  /** A claim (or grant) status write was sent (whatever its outcome): it earns credit and delays the quiet time. */
  claimWritten(now: number, count = 1): void {
    this.#tick(now);
    this.#claimsSinceTick += count;
    this.#claimWrites += count;
    this.#lastClaimWrite = now;
  }

  /** Whether no claim has been written for quietMs. */
  quiet(now: number): boolean {
    return now - this.#lastClaimWrite >= this.#quietMs;
  }

  /**
   * The next bucket to write now, marked in flight (its dirty mark is taken: marking it again during the
   * write queues another write), or undefined if none may go now (see wakeAt).
   */
  next(now: number): K | undefined {
    const quiet = this.quiet(now);
    if (this.#inFlight.size >= (quiet ? this.#quietMaxInFlight : this.#maxInFlight)) return undefined;
    this.#tick(now);
    if (!quiet && this.#credits < 1) return undefined;
    const key = this.#eligible(now);
    if (key === undefined) return undefined;
    this.#dirty.delete(key);
    this.#inFlight.set(key, !quiet);
    if (!quiet) this.#credits -= 1;
    return key;
  }

  /**
   * The write of `key` is over. `writes` is the number of requests it made (0 when nothing differed any
   * more, 2 for a create plus its status): when next() charged one credit, the difference is settled now.
   * A failed write makes the bucket dirty again, at the back, retried after retryMs.
   */
  done(key: K, now: number, outcome: { readonly ok: boolean; readonly writes: number }): void {
    const charged = this.#inFlight.get(key);
    if (charged === undefined) return; // not in flight: nothing to settle
    this.#inFlight.delete(key);
    this.#tick(now);
    this.#bucketWrites += outcome.writes;
    if (charged) this.#credits = Math.min(this.#maxCredits, this.#credits + 1 - outcome.writes);
    if (!outcome.ok && !this.#dirty.has(key)) {
      this.#dirty.set(key, { since: now, notBefore: now + this.#retryMs });
    }
  }

  /** When next() may return a bucket, if nothing else happens first; undefined: nothing to wait for. */
  wakeAt(now: number): number | undefined {
    if (this.#inFlight.size >= this.#quietMaxInFlight) return undefined; // done() wakes the caller
    const ready = this.#earliest(now);
    if (ready === undefined) return undefined;
    this.#tick(now);
    const at = Math.max(now, ready);
    const quietAt = this.#lastClaimWrite + this.#quietMs;
    // under load the cap binds until done() (which wakes the caller) or until it is quiet
    if (this.#inFlight.size >= this.#maxInFlight) return Math.max(at, quietAt);
    if (this.quiet(at) || this.#credits >= 1) return at;
    const creditAt = this.#floor > 0 ? now + ((1 - this.#credits) / this.#floor) * 1000 : quietAt;
    return Math.max(at, Math.min(quietAt, creditAt));
  }

  /** Whether `key` is dirty (a write is still to come). */
  has(key: K): boolean {
    return this.#dirty.has(key);
  }

  /** Whether a write to the bucket is in flight (handed out by next(), not yet done). */
  writing(key: K): boolean {
    return this.#inFlight.has(key);
  }

  /** Dirty buckets (not counting writes in flight). */
  get dirty(): number {
    return this.#dirty.size;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Claim writes and bucket write requests counted so far. */
  get counts(): { readonly claimWrites: number; readonly bucketWrites: number } {
    return { claimWrites: this.#claimWrites, bucketWrites: this.#bucketWrites };
  }

  #eligible(now: number): K | undefined {
    for (const [key, dirty] of this.#dirty) {
      if (dirty.notBefore <= now && !this.#inFlight.has(key)) return key;
    }
    return undefined;
  }

  /** When the first dirty bucket not in flight may be written (usually the first one, at once). */
  #earliest(now: number): number | undefined {
    let earliest: number | undefined;
    for (const [key, dirty] of this.#dirty) {
      if (this.#inFlight.has(key)) continue;
      if (dirty.notBefore <= now) return now;
      earliest = Math.min(earliest ?? dirty.notBefore, dirty.notBefore);
    }
    return earliest;
  }

  /** Credit earned since the last tick: ratio × claim writes or floor × time, whichever is more. */
  #tick(now: number): void {
    const elapsed = Math.max(0, now - this.#lastTick);
    const earned = Math.max(this.#ratio * this.#claimsSinceTick, (this.#floor * elapsed) / 1000);
    this.#credits = Math.min(this.#maxCredits, this.#credits + earned);
    this.#claimsSinceTick = 0;
    this.#lastTick = now;
  }
}

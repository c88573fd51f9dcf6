// Rate limiters with client-go's semantics (util/workqueue/default_rate_limiters.go).
// `when(key)` both answers "how long until this key may run" and records the attempt.

export interface RateLimiter {
  /** Delay in ms before `key` may be processed; records one failure/attempt for it. */
  when(key: string): number;
  /** Clears the failure history of `key` (after a success). */
  forget(key: string): void;
  /** How many times `key` has been rate-limited since the last forget. */
  numRequeues(key: string): number;
}

export type Clock = () => number;

/** Per-item exponential backoff: base·2^failures, capped at max. Defaults 5 ms → 1000 s like client-go. */
export class ItemExponentialRateLimiter implements RateLimiter {
  readonly #failures = new Map<string, number>();
  readonly #baseMs: number;
  readonly #maxMs: number;

  constructor(baseMs = 5, maxMs = 1_000_000) {
    if (!(baseMs > 0) || !(maxMs >= baseMs)) {
      throw new Error(`rate limiter: need 0 < baseMs <= maxMs, got baseMs=${baseMs} maxMs=${maxMs}`);
    }
    this.#baseMs = baseMs;
    this.#maxMs = maxMs;
  }

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2^failures overflows to Infinity long before the loop matters; min() keeps the cap exact.
    return Math.min(this.#baseMs * 2 ** failures, this.#maxMs);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * An overall token bucket (golang.org/x/time/rate reservation semantics): every call takes a token;
 * when none is left the caller is told to wait until one will have refilled. Not per key, so forget is a no-op.
 */
export class BucketRateLimiter implements RateLimiter {
  readonly #qps: number;
  readonly #burst: number;
  readonly #now: Clock;
  #tokens: number;
  #last: number;

  constructor(qps = 10, burst = 100, now: Clock = Date.now) {
    if (!(qps > 0) || !(burst >= 1)) {
      throw new Error(`bucket rate limiter: need qps > 0 and burst >= 1, got qps=${qps} burst=${burst}`);
    }
    this.#qps = qps;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#last = now();
  }

  when(_key: string): number {
    const now = this.#now();
    const elapsedS = Math.max(0, now - this.#last) / 1000;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsedS * this.#qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}

/** The worst (longest) answer of several limiters; every limiter records the attempt. */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new Error('MaxOfRateLimiter needs at least one limiter');
    this.#limiters = limiters;
  }

  when(key: string): number {
    let delay = 0;
    for (const limiter of this.#limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: string): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}

/** client-go's DefaultControllerRateLimiter: MaxOf(exponential 5 ms → 1000 s, bucket 10 qps / burst 100). */
export function defaultControllerRateLimiter(now: Clock = Date.now): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter(5, 1_000_000),
    new BucketRateLimiter(10, 100, now),
  );
}

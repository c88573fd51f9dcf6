// Exponential backoff with jitter for reconnect loops (client-go's reflector: 800 ms doubling to 30 s,
// jitter 1.0, reset after a healthy period). Jitter spreads N replicas' reconnects after an apiserver restart.

export interface BackoffOptions {
  /** First delay. Default 800 ms. */
  initialMs?: number;
  /** Largest delay before jitter. Default 30 s. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
  /** Adds up to `jitter` × delay at random. Default 1 (delay to 2×delay). */
  jitter?: number;
}

export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #failures = 0;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.#initial = options.initialMs ?? 800;
    this.#max = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 1;
    if (!(this.#initial > 0) || this.#max < this.#initial || this.#factor < 1 || this.#jitter < 0) {
      throw new Error('backoff: need initialMs > 0, maxMs >= initialMs, factor >= 1, jitter >= 0');
    }
    this.#random = random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.#initial * this.#factor ** this.#failures, this.#max);
    this.#failures += 1;
    return base + base * this.#jitter * this.#random();
  }

  reset(): void {
    this.#failures = 0;
  }

  get failures(): number {
    return this.#failures;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

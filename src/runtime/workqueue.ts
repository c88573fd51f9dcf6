// A keyed work queue with client-go's guarantees (util/workqueue queue.go + delaying + rate limiting):
// - a key waiting in the queue is stored once however often it is added (dirty set);
// - a key being processed is never handed to a second worker (processing set);
// - a key added while it is processed is queued again when `done` is called, so the latest state is seen.
// Unlike client-go, after shutdown no queued key is handed out any more: the system is level-based, so work
// not started is recomputed from a fresh list by the next process (or the next leader).
import { Fifo } from './fifo.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { noopQueueMetrics, type QueueMetrics } from './workqueue-metrics.ts';

export interface WorkqueueOptions {
  /** Retry policy for addRateLimited. Default: client-go's default controller rate limiter. */
  rateLimiter?: RateLimiter;
  /** Metrics sink; default none. E.g. `(q) => queueMetrics(registry, name, () => q.inFlightSeconds())`. */
  metrics?: (queue: Workqueue) => QueueMetrics;
  /** Monotonic clock in ms, for the latency metrics. Default performance.now. */
  now?: () => number;
}

export class Workqueue {
  readonly #queue = new Fifo<string>();
  readonly #dirty = new Set<string>();
  readonly #processing = new Map<string, number>(); // key → start time
  readonly #queuedAt = new Map<string, number>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #getters: ((key: string | undefined) => void)[] = [];
  readonly #drained: (() => void)[] = [];
  readonly #limiter: RateLimiter;
  readonly #metrics: QueueMetrics;
  readonly #now: () => number;
  #shuttingDown = false;

  constructor(options: WorkqueueOptions = {}) {
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter();
    this.#now = options.now ?? (() => performance.now());
    this.#metrics = options.metrics?.(this) ?? noopQueueMetrics;
  }

  /** Queues `key` unless it is already queued; a key in flight is re-queued when it is done. */
  add(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.add();
    if (this.#dirty.has(key)) return;
    this.#dirty.add(key);
    this.#queuedAt.set(key, this.#now());
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  /** Adds `key` after `delayMs`. A key already waiting keeps the earlier of its two deadlines. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (!(delayMs > 0)) {
      this.add(key);
      return;
    }
    const at = this.#now() + delayMs;
    const waiting = this.#delayed.get(key);
    if (waiting && waiting.at <= at) return;
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** Adds `key` after the rate limiter's delay for it (per-key exponential backoff, overall token bucket). */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.retry();
    this.addAfter(key, this.#limiter.when(key));
  }

  /** Ends the backoff history of `key` (call after a success). It does not remove the key from the queue. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** The next key to process, or undefined once the queue is shut down. Call `done(key)` when finished. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `key` finished; if it was added meanwhile, it is queued again now. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started === undefined) return;
    this.#processing.delete(key);
    this.#metrics.workDuration((this.#now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#queue.push(key);
      this.#dispatch();
    }
    if (this.#processing.size === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** Keys waiting to be handed out (not counting those in flight or delayed). */
  len(): number {
    return this.#queue.length;
  }

  /** Keys currently handed out and not yet done. */
  inFlight(): number {
    return this.#processing.size;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops accepting keys, drops queued and delayed ones, and wakes idle workers with `undefined`. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const { timer } of this.#delayed.values()) clearTimeout(timer);
    this.#delayed.clear();
    this.#queue.clear();
    this.#dirty.clear();
    this.#queuedAt.clear();
    this.#metrics.depth(0);
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
    this.#metrics.close();
  }

  /** Shuts down, then waits until keys in flight are done or `timeoutMs` passes. True if fully drained. */
  async shutDownWithDrain(timeoutMs: number): Promise<boolean> {
    this.shutDown();
    if (this.#processing.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.#drained.push(() => resolve(true)));
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([drained, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Seconds of unfinished work in flight and of the longest-running item, for the metrics scrape. */
  inFlightSeconds(): { unfinishedSeconds: number; longestSeconds: number } {
    const now = this.#now();
    let unfinished = 0;
    let longest = 0;
    for (const started of this.#processing.values()) {
      unfinished += now - started;
      longest = Math.max(longest, now - started);
    }
    return { unfinishedSeconds: unfinished / 1000, longestSeconds: longest / 1000 };
  }

  #take(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    const now = this.#now();
    this.#metrics.depth(this.#queue.length);
    this.#metrics.queueLatency((now - (this.#queuedAt.get(key) ?? now)) / 1000);
    this.#queuedAt.delete(key);
    this.#dirty.delete(key);
    this.#processing.set(key, now);
    return key;
  }

  #dispatch(): void {
    this.#metrics.depth(this.#queue.length);
    while (this.#getters.length > 0 && this.#queue.length > 0) {
      const key = this.#take();
      this.#getters.shift()?.(key);
    }
  }
}

// Decides, without I/O, what recording an Event means (client-go's EventCorrelator, tools/record):
// - the same object + type + reason + message from the same source within the window is one Event whose
//   count and lastTimestamp grow, not a new Event each time (the events_cache "event logger");
// - a per-object token bucket (burst 25, one token per 5 minutes) drops floods from a hot loop.

export interface EventSource {
  component: string;
  host?: string;
}

export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  fieldPath?: string;
}

export interface EventFacts {
  source: EventSource;
  involvedObject: InvolvedObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export type Decision =
  | { action: 'create' }
  | { action: 'patch'; namespace: string; name: string; count: number; firstTimestamp: string }
  | { action: 'drop' };

export interface CorrelatorOptions {
  /** Repeats within this window are aggregated. Default 10 minutes. */
  windowMs?: number;
  /** Remembered distinct events. Default 4096 (client-go's maxLruCacheEntries). */
  maxEntries?: number;
  /** Per-object flood limit. Default burst 25, refill 1 per 300 s. */
  spamBurst?: number;
  spamRefillMs?: number;
}

interface Seen {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

/** The aggregation key: everything but the timestamps and count. */
export function eventKey(e: EventFacts): string {
  const o = e.involvedObject;
  const parts = [
    e.source.component,
    e.source.host,
    o.kind,
    o.namespace,
    o.name,
    o.fieldPath,
    o.uid,
    o.apiVersion,
  ];
  return [...parts.map((p) => p ?? ''), e.type, e.reason, e.message].join('\u0000');
}

/** The spam-filter key: source and object only, so varying messages about one object share a budget. */
export function spamKey(e: EventFacts): string {
  const o = e.involvedObject;
  return [e.source.component, e.source.host, o.kind, o.namespace, o.name, o.uid]
    .map((p) => p ?? '')
    .join('\u0000');
}

export class EventCorrelator {
  readonly #seen = new Map<string, Seen>(); // insertion order doubles as LRU order
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();
  readonly #window: number;
  readonly #max: number;
  readonly #burst: number;
  readonly #refillMs: number;

  constructor(options: CorrelatorOptions = {}) {
    this.#window = options.windowMs ?? 10 * 60_000;
    this.#max = options.maxEntries ?? 4096;
    this.#burst = options.spamBurst ?? 25;
    this.#refillMs = options.spamRefillMs ?? 300_000;
  }

  decide(e: EventFacts, nowMs: number): Decision {
    if (!this.#allow(spamKey(e), nowMs)) return { action: 'drop' };
    const seen = this.#seen.get(eventKey(e));
    if (!seen || nowMs - seen.lastSeenMs > this.#window) return { action: 'create' };
    const { namespace, name, count, firstTimestamp } = seen;
    return { action: 'patch', namespace, name, count: count + 1, firstTimestamp };
  }

  /** Remembers the Event now stored under `e`'s key (after a successful create or patch). */
  record(
    e: EventFacts,
    stored: { namespace: string; name: string; count: number; firstTimestamp: string },
    nowMs: number,
  ) {
    const key = eventKey(e);
    this.#seen.delete(key);
    this.#seen.set(key, { ...stored, lastSeenMs: nowMs });
    if (this.#seen.size > this.#max) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }

  /** Forgets `e` (its Event vanished, e.g. expired by the apiserver's event TTL). */
  forget(e: EventFacts): void {
    this.#seen.delete(eventKey(e));
  }

  #allow(key: string, nowMs: number): boolean {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, atMs: nowMs };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (nowMs - bucket.atMs) / this.#refillMs);
    bucket.atMs = nowMs;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#max) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

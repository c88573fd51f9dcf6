// What one webhook replica will spend on callers. The webhook fails closed, so a starved server refuses every
// enforced create in the cluster: each limit below bounds one resource an abusive (or broken) client could
// hold, and is chosen so that the apiserver's own calls — small bodies sent at once, over a few pooled
// connections — never come near it.
//
// What protects what:
// - handshakeTimeout: a connection that never finishes TLS (nothing sent, or half a ClientHello).
// - headersTimeout, maxHeaderBytes: a request whose headers trickle in or never end (slowloris).
// - requestTimeout: a body that trickles in. It holds a connection, never an in-flight slot: the slot is
//   taken only once the body is complete.
// - maxBodyBytes, bodyBudgetBytes: memory. Content-Length over the limit is refused before a byte of body is
//   read; a chunked body is cut off once it passes the limit; all bodies being read share a budget.
// - maxConnections: sockets and per-connection memory. At the cap, the least recently active connection that
//   is not serving a review is closed to make room (an idle keep-alive or a stalled abuser), so a new
//   connection from the apiserver always gets in while any connection is idle.
// - maxInFlight: reviews handled at once (each may wait seconds for a quota decision). Overflow is answered
//   at once with a retryable 429, not queued.

export interface ServerLimits {
  /** Largest body: an UPDATE carries two objects of up to 1.5 MiB each. Default 4 MiB. */
  readonly maxBodyBytes: number;
  /** Body bytes buffered at once over all requests being read, beyond each request's first 64 KiB. Default 64 MiB. */
  readonly bodyBudgetBytes: number;
  /** Request line and headers, in bytes (Node's maxHeaderSize). Default 16 KiB. */
  readonly maxHeaderBytes: number;
  /** Headers beyond this many are dropped (Node's maxHeadersCount). Default 64. */
  readonly maxHeadersCount: number;
  /** From the connection (or the previous response) to the end of the headers. Default 5 s. */
  readonly headersTimeoutMs: number;
  /** From the start of a request to the end of its body; at least headersTimeoutMs. Default 5 s. */
  readonly requestTimeoutMs: number;
  /** Idle time between requests on one connection; longer than Go's 90 s IdleConnTimeout. Default 120 s. */
  readonly keepAliveTimeoutMs: number;
  /** The TLS handshake must finish within this. Default 5 s. */
  readonly handshakeTimeoutMs: number;
  /** Open connections, handshakes included. Default 512. */
  readonly maxConnections: number;
  /** Reviews handled at once. Default 64. */
  readonly maxInFlight: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxBodyBytes: 4 * 1024 * 1024,
  bodyBudgetBytes: 64 * 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeadersCount: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 5_000,
  // Idle connections outlive the apiserver's (Go's 90 s IdleConnTimeout): if the server closed first, a
  // review POSTed on the dying connection would fail, and failurePolicy Fail would refuse the write.
  keepAliveTimeoutMs: 120_000,
  handshakeTimeoutMs: 5_000,
  maxConnections: 512,
  maxInFlight: 64,
};

/** Bodies up to this size are not charged to the budget: the apiserver's reviews are almost all smaller. */
export const FREE_BODY_BYTES = 64 * 1024;

/** The defaults overridden by `partial`; throws naming the option when a value cannot work. */
export function serverLimits(partial: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`webhook server limit ${name}: ${value} is not allowed; give a positive integer`);
    }
  }
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) {
    throw new Error(
      `webhook server limit requestTimeoutMs (${limits.requestTimeoutMs}) is below headersTimeoutMs (${limits.headersTimeoutMs}); the headers are part of the request: raise requestTimeoutMs`,
    );
  }
  if (limits.maxConnections <= limits.maxInFlight) {
    throw new Error(
      `webhook server limit maxConnections (${limits.maxConnections}) must exceed maxInFlight (${limits.maxInFlight}): every review in flight holds a connection, and new ones need room`,
    );
  }
  return limits;
}

/** A bounded count: taking never waits, and what does not fit is refused with nothing taken. */
abstract class BoundedCount {
  readonly #max: number;
  #used = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get used(): number {
    return this.#used;
  }

  protected take(n: number): boolean {
    if (n > 0 && this.#used + n > this.#max) return false;
    this.#used += n;
    return true;
  }

  protected give(n: number): void {
    this.#used -= n;
  }
}

/** Counts reviews being handled; `tryAcquire` never waits. */
export class InFlightSlots extends BoundedCount {
  /** A release function, or undefined when all slots are taken. */
  tryAcquire(): (() => void) | undefined {
    if (!this.take(1)) return undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.give(1);
    };
  }
}

/** Body bytes buffered over all requests being read; each request's first FREE_BODY_BYTES are free. */
export class BodyBudget extends BoundedCount {
  /** Charges `chunk` bytes to a body already `before` bytes long; false (nothing charged) when over budget. */
  charge(before: number, chunk: number): boolean {
    return this.take(chargeable(before, chunk));
  }

  /** Gives back what a body of `size` bytes was charged. */
  release(size: number): void {
    this.give(chargeable(0, size));
  }
}

const chargeable = (before: number, chunk: number) =>
  Math.max(0, before + chunk - Math.max(before, FREE_BODY_BYTES));

// The reconciler contract (controller-runtime's pkg/reconcile). A reconcile gets only namespace/name, never
// the event that caused it: reconciliation is level-based, so it reads the current state from the cache and
// converges, and running it twice, late, or for a missed event must be harmless.
import type { Logger } from './logger.ts';
import type { Request } from './types.ts';

export type { Request } from './types.ts';

/** What to do with the request after a successful reconcile. `{}` = done: forget its backoff. */
export interface Result {
  /** Queue again after the rate limiter's delay (backoff grows). Prefer requeueAfterMs or an error. */
  requeue?: boolean;
  /** Queue again after this many milliseconds; resets backoff. Wins over `requeue`. */
  requeueAfterMs?: number;
}

export interface ReconcileContext {
  /** Aborted when this reconcile must stop: leadership lost, or the shutdown drain deadline passed. */
  signal: AbortSignal;
  /** Carries `controller` and the object `key`. */
  log: Logger;
}

/** Returns `{}` when done. Throw to retry with backoff; throw TerminalError to give up. */
export type Reconciler = (ctx: ReconcileContext, req: Request) => Promise<Result>;

/**
 * An error retrying cannot fix (invalid spec, say): logged and counted, not requeued. The request runs again
 * only when a new event for it arrives.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export function isTerminalError(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof TerminalError) return true;
  return false;
}

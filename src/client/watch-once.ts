// One watch connection on one claim, from a known resourceVersion, until something worth acting on: a
// decision, a delete, the end of the connection, the deadline or an abort. The caller loops over these. The
// connection is the runtime's (src/runtime/watch-connection.ts), like every watch of the project.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResourceClaim } from '../api/index.ts';
import { RESOURCES } from '../cache/index.ts';
import type { ClaimRef } from '../quota/index.ts';
import { isGone, type WatchEvent, watchConnection } from '../runtime/index.ts';
import { type ClaimDecision, claimDecision } from './decision.ts';

/** Where a watch resumes: the last resourceVersion seen, and the last pending message (for timeouts). */
export interface Cursor {
  readonly resourceVersion: string;
  readonly message: string;
}

export type Decided = Exclude<ClaimDecision, { outcome: 'pending' }>;

export type WatchStep =
  | { readonly kind: 'decided'; readonly decision: Decided }
  | { readonly kind: 'deleted' }
  /** The server ended the watch normally (timeoutSeconds); resume from `cursor`. */
  | { readonly kind: 'closed'; readonly cursor: Cursor }
  /** 410 Gone: the resourceVersion is too old to resume from; re-read the claim. */
  | { readonly kind: 'expired' }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'deadline'; readonly cursor: Cursor }
  | { readonly kind: 'aborted' };

/**
 * The server closes each watch after at most this long and the caller resumes from the last resourceVersion,
 * so no event is lost; a connection silent for longer than this plus the runtime's slack is cut as failed.
 */
const MAX_WATCH_SECONDS = 25;

/** What one watch event means: a step to stop at (or none), and the cursor after it. */
function readEvent(event: WatchEvent, cursor: Cursor): { step?: WatchStep; cursor: Cursor } {
  const claim = event.object as unknown as ResourceClaim;
  const moved = { ...cursor, resourceVersion: claim.metadata?.resourceVersion ?? cursor.resourceVersion };
  if (event.type === 'BOOKMARK') return { cursor: moved };
  if (event.type === 'DELETED') return { step: { kind: 'deleted' }, cursor: moved };
  const decision = claimDecision(claim);
  if (decision.outcome !== 'pending') return { step: { kind: 'decided', decision }, cursor: moved };
  return { cursor: { ...moved, message: decision.message } };
}

export async function watchOnce(
  kc: KubeConfig,
  ref: ClaimRef,
  from: Cursor,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<WatchStep> {
  if (signal?.aborted) return { kind: 'aborted' };
  const atDeadline = new AbortController();
  const timer = setTimeout(() => atDeadline.abort(), Math.max(0, deadline - Date.now()));
  let cursor = from;
  try {
    const events = watchConnection(kc, {
      resource: RESOURCES.claims,
      namespace: ref.namespace,
      fieldSelector: `metadata.name=${ref.name}`,
      resourceVersion: from.resourceVersion,
      timeoutSeconds: Math.max(1, Math.min(MAX_WATCH_SECONDS, Math.ceil((deadline - Date.now()) / 1000))),
      signal: signal === undefined ? atDeadline.signal : AbortSignal.any([signal, atDeadline.signal]),
    });
    for await (const event of events) {
      const next = readEvent(event, cursor);
      cursor = next.cursor;
      if (next.step !== undefined) return next.step;
    }
    return { kind: 'closed', cursor };
  } catch (error) {
    if (signal?.aborted) return { kind: 'aborted' };
    if (atDeadline.signal.aborted) return { kind: 'deadline', cursor };
    if (isGone(error)) return { kind: 'expired' };
    return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
  } finally {
    clearTimeout(timer);
    atDeadline.abort(); // ends the connection when a step returned before the server closed it
  }
}

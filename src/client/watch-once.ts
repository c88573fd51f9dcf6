// One watch connection on one claim, from a known resourceVersion, until something worth acting on: a
// decision, a delete, the end of the connection, the deadline or an abort. The caller loops over these.
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { GROUP, PLURALS, type ResourceClaim, VERSION } from '../api/index.ts';
import { type ClaimDecision, claimDecision } from './decision.ts';
import type { ClaimRef } from './errors.ts';

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
 * The server closes each watch after at most this long, before client-node's 30 s inactivity timer would
 * abort it as an error; the caller then resumes from the last resourceVersion, so no event is lost.
 */
const MAX_WATCH_SECONDS = 25;

function errorOf(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** What one watch event means: a step to stop at (or none), and the cursor after it. */
function readEvent(type: string, object: unknown, cursor: Cursor): { step?: WatchStep; cursor: Cursor } {
  if (type === 'ERROR') {
    const status = object as { code?: unknown; message?: unknown };
    if (status.code === 410) return { step: { kind: 'expired' }, cursor };
    return { step: { kind: 'failed', error: new Error(`watch error: ${String(status.message)}`) }, cursor };
  }
  const claim = object as ResourceClaim;
  const moved = { ...cursor, resourceVersion: claim.metadata?.resourceVersion ?? cursor.resourceVersion };
  if (type === 'BOOKMARK') return { cursor: moved };
  if (type === 'DELETED') return { step: { kind: 'deleted' }, cursor: moved };
  const decision = claimDecision(claim);
  if (decision.outcome !== 'pending') return { step: { kind: 'decided', decision }, cursor: moved };
  return { cursor: { ...moved, message: decision.message } };
}

export function watchOnce(
  kc: KubeConfig,
  ref: ClaimRef,
  from: Cursor,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<WatchStep> {
  return new Promise((resolve) => {
    let cursor = from;
    let connection: AbortController | undefined;
    let settled = false;
    const finish = (step: WatchStep): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      connection?.abort();
      resolve(step);
    };
    const timer = setTimeout(() => finish({ kind: 'deadline', cursor }), Math.max(0, deadline - Date.now()));
    const onAbort = (): void => finish({ kind: 'aborted' });
    if (signal?.aborted) {
      finish({ kind: 'aborted' });
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });

    const onEvent = (type: string, object: unknown): void => {
      const next = readEvent(type, object, cursor);
      cursor = next.cursor;
      if (next.step !== undefined) finish(next.step);
    };
    const onDone = (error: unknown): void =>
      finish(error ? { kind: 'failed', error: errorOf(error) } : { kind: 'closed', cursor });

    const seconds = Math.ceil((deadline - Date.now()) / 1000);
    const query = {
      fieldSelector: `metadata.name=${ref.name}`,
      resourceVersion: from.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.max(1, Math.min(MAX_WATCH_SECONDS, seconds)),
    };
    const path = `/apis/${GROUP}/${VERSION}/namespaces/${ref.namespace}/${PLURALS.ResourceClaim}`;
    new Watch(kc).watch(path, query, onEvent, onDone).then(
      (controller) => {
        connection = controller;
        if (settled) controller.abort();
      },
      (error: unknown) => finish({ kind: 'failed', error: errorOf(error) }),
    );
  });
}

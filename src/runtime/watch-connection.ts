// One watch connection: open the stream, cut it when it stays silent (a half-open TCP connection), turn ERROR
// events into KubeApiError. The reflector's long-running list-then-watch runs its watches through it, and so
// does a caller that watches a few objects briefly and resumes by itself (a service waiting for one claim).
import type { KubeConfig } from '@kubernetes/client-node';
import { resourcePath } from './client.ts';
import { KubeApiError, linkedDeadline, openStream } from './kube-http.ts';
import type { ResourceRef } from './types.ts';
import { decodeWatchLine, type WatchEvent, WatchLines, type WatchStatus } from './watch-events.ts';

export interface WatchConnectionRequest {
  readonly resource: ResourceRef;
  /** Only this namespace (namespaced kinds). Default all namespaces. */
  readonly namespace?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly labelSelector?: string | undefined;
  /** Where the watch starts: events after this resourceVersion. */
  readonly resourceVersion: string;
  /** The server ends the watch after this long (a normal end: the events stop). */
  readonly timeoutSeconds: number;
  /** Ends the connection; the generator then throws. */
  readonly signal: AbortSignal;
  /** Ends the connection as `signal` does, for a reason the caller tells apart itself (the reflector's relist). */
  readonly interrupt?: AbortSignal | undefined;
  /** A connection silent this long is cut (a half-open TCP connection). Default timeoutSeconds + 30 s. */
  readonly idleTimeoutMs?: number | undefined;
  /** Response media type. Default `application/json`; metadata-only watches ask for PartialObjectMetadata. */
  readonly accept?: string | undefined;
}

/** A watch connection silent for longer than its idle timeout, cut. Status 0, reason `Timeout`. */
export class WatchIdleError extends KubeApiError {
  readonly silentMs: number;

  constructor(resource: ResourceRef, silentMs: number, options: ErrorOptions) {
    super(0, 'Timeout', `watch ${resource.plural}: silent for ${silentMs} ms`, options);
    this.name = 'WatchIdleError';
    this.silentMs = silentMs;
  }
}

/** The abort reason of a connection cut for silence (the caller's own aborts carry their own reasons). */
const SILENT = Symbol('watch silent');

/**
 * The events of one watch connection, BOOKMARKs included, until the server ends it. An ERROR event throws its
 * KubeApiError (status 410 for an expired resourceVersion: `isGone`); a connection silent for `idleTimeoutMs`
 * throws a WatchIdleError. One generator reads the stream and yields the events: every event of every
 * informer passes here, so no generator is stacked on another (each would cost a promise per event).
 */
export async function* watchConnection(
  kubeConfig: KubeConfig,
  request: WatchConnectionRequest,
): AsyncGenerator<WatchEvent> {
  const idleMs = request.idleTimeoutMs ?? request.timeoutSeconds * 1000 + 30_000;
  const connection = linkedDeadline(idleMs, () => SILENT, [request.signal, request.interrupt]);
  try {
    const res = await openStream(kubeConfig, {
      path: resourcePath(request.resource, request.namespace),
      query: watchQuery(request),
      signal: connection.signal,
      ...(request.accept === undefined ? {} : { accept: request.accept }),
    });
    const lines = new WatchLines();
    for await (const chunk of res as AsyncIterable<Buffer>) {
      connection.refresh();
      lines.push(chunk);
      for (let line = lines.next(); line !== undefined; line = lines.next()) {
        yield eventOrThrow(decodeWatchLine(line));
      }
    }
    const last = lines.end();
    if (last !== '') yield eventOrThrow(decodeWatchLine(last));
  } catch (error) {
    if (connection.signal.reason === SILENT)
      throw new WatchIdleError(request.resource, idleMs, { cause: error });
    throw error;
  } finally {
    connection.done(); // leaving the loop above closed the connection, if the server had not
  }
}

function watchQuery(request: WatchConnectionRequest) {
  return {
    watch: 1,
    allowWatchBookmarks: true,
    resourceVersion: request.resourceVersion,
    timeoutSeconds: request.timeoutSeconds,
    fieldSelector: request.fieldSelector,
    labelSelector: request.labelSelector,
  };
}

function eventOrThrow(event: WatchEvent): WatchEvent {
  if (event.type !== 'ERROR') return event;
  const status = event.object as WatchStatus;
  const message = `watch error event: ${status.message ?? ''}`;
  throw new KubeApiError(status.code ?? 500, status.reason ?? '', message, { body: status });
}

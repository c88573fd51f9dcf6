// One watch connection, without the list and the resuming around it: for a caller that watches a few objects
// for a short while (a service waiting for one claim's decision) and does the resuming itself. The reflector
// is the long-running list-then-watch; both decode with watch-events.ts and fail with KubeApiError.
import type { KubeConfig } from '@kubernetes/client-node';
import { resourcePath } from './client.ts';
import { KubeApiError, openStream } from './kube-http.ts';
import type { ResourceRef } from './types.ts';
import { type WatchEvent, type WatchStatus, watchEvents } from './watch-events.ts';

export interface WatchConnectionRequest {
  readonly resource: ResourceRef;
  /** Only this namespace (namespaced kinds). Default all namespaces. */
  readonly namespace?: string;
  readonly fieldSelector?: string;
  readonly labelSelector?: string;
  /** Where the watch starts: events after this resourceVersion. */
  readonly resourceVersion: string;
  /** The server ends the watch after this long (a normal end: the events stop). */
  readonly timeoutSeconds: number;
  /** Ends the connection; the generator then throws the signal's reason. */
  readonly signal: AbortSignal;
  /** A connection silent this long is cut (a half-open TCP connection). Default timeoutSeconds + 30 s. */
  readonly idleTimeoutMs?: number;
}

/**
 * The events of one watch connection, BOOKMARKs included, until the server ends it. An ERROR event throws its
 * KubeApiError (status 410 for an expired resourceVersion: `isGone`); a connection silent for `idleTimeoutMs`
 * throws a KubeApiError of status 0, reason `Timeout`.
 */
export async function* watchConnection(
  kubeConfig: KubeConfig,
  request: WatchConnectionRequest,
): AsyncGenerator<WatchEvent> {
  const { resource, namespace, fieldSelector, labelSelector, resourceVersion, timeoutSeconds } = request;
  const idleMs = request.idleTimeoutMs ?? timeoutSeconds * 1000 + 30_000;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const pet = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleMs);
  };
  pet();
  try {
    const res = await openStream(kubeConfig, {
      path: resourcePath(resource, namespace),
      query: {
        watch: 1,
        allowWatchBookmarks: true,
        resourceVersion,
        timeoutSeconds,
        fieldSelector,
        labelSelector,
      },
      signal: AbortSignal.any([request.signal, idle.signal]),
    });
    for await (const event of watchEvents(res, pet)) {
      if (event.type === 'ERROR') throw errorEvent(event.object as WatchStatus);
      yield event;
    }
  } catch (error) {
    if (idle.signal.aborted && !request.signal.aborted) {
      throw new KubeApiError(0, 'Timeout', `watch ${resource.plural}: silent for ${idleMs} ms`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    idle.abort();
  }
}

function errorEvent(status: WatchStatus): KubeApiError {
  const message = `watch error event: ${status.message ?? ''}`;
  return new KubeApiError(status.code ?? 500, status.reason ?? '', message, { body: status });
}

// A raw watch on one resource (optionally one namespace) from the client's side: every ADDED / MODIFIED /
// DELETED event is handed to `onEvent` with the performance.now() of the chunk that carried it. The claim,
// grant and bucket watches of the benchmarks are built on it.

import { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, openStream, type ResourceRef, resourcePath } from '../../src/runtime/index.ts';

export interface WatchEvent<T> {
  readonly type: string;
  readonly object: T;
}

export interface ObjectWatch {
  /** Times the apiserver ended the watch and it was opened again (it closes watchers that fall behind). */
  readonly reopened: number;
  close(): Promise<void>;
}

interface Meta {
  readonly metadata?: { readonly resourceVersion?: string };
}

export async function watchObjects<T extends Meta>(
  kc: KubeConfig,
  ref: ResourceRef,
  namespace: string | undefined,
  onEvent: (event: WatchEvent<T>, now: number) => void,
): Promise<ObjectWatch> {
  const abort = new AbortController();
  let resourceVersion: string | undefined;
  let reopened = 0;
  const open = () =>
    openStream(kc, {
      path: resourcePath(ref, namespace),
      query: { watch: 1, timeoutSeconds: 3600, resourceVersion },
      signal: abort.signal,
    });
  // A new CRD's watch cache answers 429 "storage is (re)initializing" for a moment: retry that. A resume
  // from a compacted resourceVersion (410) starts over: the first events are then every object as it is.
  const connect = async (): Promise<IncomingMessage> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await open().catch((error: unknown) => error);
      if (res instanceof IncomingMessage) return res;
      if (!(res instanceof KubeApiError) || Date.now() > deadline) throw res;
      if (res.status === 410) resourceVersion = undefined;
      else if (res.status !== 429) throw res;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const read = async (stream: AsyncIterable<Buffer | string>) => {
    let buffered = '';
    for await (const chunk of stream) {
      const now = performance.now();
      buffered += String(chunk);
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as WatchEvent<T>;
        if (event.type === 'ERROR') {
          // {"type":"ERROR","object":{"kind":"Status","code":410}}: resume from scratch
          resourceVersion = undefined;
          continue;
        }
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        if (event.type !== 'BOOKMARK') onEvent(event, now);
      }
    }
  };
  const first = await connect();
  // The apiserver ends a watch whose reader falls behind (a loaded benchmark client can): resume it from the
  // last event seen, so no decision goes unseen.
  const loop = async () => {
    let res = first;
    for (;;) {
      try {
        await read(res);
      } catch (error) {
        if (abort.signal.aborted) return;
        if (!(error instanceof Error)) throw error;
      }
      if (abort.signal.aborted) return;
      reopened++;
      res = await connect();
    }
  };
  const done = loop().catch((error: unknown) => {
    // the waiters time out and say how far they got; this says why
    console.error(`watch on ${ref.plural} could not be resumed: ${String(error)}`);
  });
  return {
    get reopened() {
      return reopened;
    },
    async close() {
      abort.abort();
      await done;
    },
  };
}

/** Resolves when `ready()` holds (checked every `everyMs`); rejects with `describe()` after `timeoutMs`. */
export async function until(
  ready: () => boolean,
  timeoutMs: number,
  describe: () => string,
  everyMs = 50,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

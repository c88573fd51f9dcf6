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
  close(): Promise<void>;
}

export async function watchObjects<T>(
  kc: KubeConfig,
  ref: ResourceRef,
  namespace: string | undefined,
  onEvent: (event: WatchEvent<T>, now: number) => void,
): Promise<ObjectWatch> {
  const abort = new AbortController();
  const open = () =>
    openStream(kc, {
      path: resourcePath(ref, namespace),
      query: { watch: 1, timeoutSeconds: 3600 },
      signal: abort.signal,
    });
  // A new CRD's watch cache answers 429 "storage is (re)initializing" for a moment: retry that.
  const deadline = Date.now() + 60_000;
  let res = await open().catch((error: unknown) => error);
  while (res instanceof KubeApiError && res.status === 429 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    res = await open().catch((error: unknown) => error);
  }
  if (!(res instanceof IncomingMessage)) throw res;
  const read = async (stream: AsyncIterable<Buffer | string>) => {
    let buffered = '';
    try {
      for await (const chunk of stream) {
        const now = performance.now();
        buffered += String(chunk);
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf('\n');
          if (line.trim() !== '') onEvent(JSON.parse(line) as WatchEvent<T>, now);
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  };
  const done = read(res);
  return {
    async close() {
      abort.abort();
      await done.catch(() => {});
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

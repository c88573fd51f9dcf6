// Watches the claims of one namespace from the client's side and records, per claim, when the first event
// showing a decision arrived. This is what a service polling its claim sees: created → Granted visible.

import { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { CONDITION_GRANTED, type ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/controllers/index.ts';
import { KubeApiError, openStream, resourcePath } from '../../src/runtime/index.ts';

export type Outcome = 'granted' | 'denied';

export function outcomeOf(claim: ResourceClaim): Outcome | undefined {
  const condition = claim.status?.conditions?.find((c) => c.type === CONDITION_GRANTED);
  if (condition?.status === 'True') return 'granted';
  if (condition?.status === 'False' && condition.reason !== 'PendingEvaluation') return 'denied';
  return undefined;
}

export class ClaimWatch {
  /** Claim name → performance.now() of the first event showing its decision. */
  readonly decidedAt = new Map<string, number>();
  readonly outcomes = new Map<string, Outcome>();
  readonly #abort = new AbortController();
  #waiters: { count: number; resolve: () => void }[] = [];
  #done: Promise<void> = Promise.resolve();

  static async open(kc: KubeConfig, namespace: string): Promise<ClaimWatch> {
    const watch = new ClaimWatch();
    const open = () =>
      openStream(kc, {
        path: resourcePath(RESOURCES.claims, namespace),
        query: { watch: 1, timeoutSeconds: 3600 },
        signal: watch.#abort.signal,
      });
    // A new CRD's watch cache answers 429 "storage is (re)initializing" for a moment: retry that.
    const deadline = Date.now() + 60_000;
    let res = await open().catch((error: unknown) => error);
    while (res instanceof KubeApiError && res.status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      res = await open().catch((error: unknown) => error);
    }
    if (!(res instanceof IncomingMessage)) throw res;
    watch.#done = watch.#read(res);
    return watch;
  }

  async #read(stream: AsyncIterable<Buffer | string>): Promise<void> {
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
          if (line.trim() !== '')
            this.#event(JSON.parse(line) as { type: string; object: ResourceClaim }, now);
        }
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) throw error;
    }
  }

  #event(event: { type: string; object: ResourceClaim }, now: number): void {
    if (event.type !== 'ADDED' && event.type !== 'MODIFIED') return;
    const name = event.object.metadata?.name ?? '';
    if (this.decidedAt.has(name)) return;
    const outcome = outcomeOf(event.object);
    if (outcome === undefined) return;
    this.decidedAt.set(name, now);
    this.outcomes.set(name, outcome);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.decidedAt.size < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `count` claims have been seen decided; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.decidedAt.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`only ${this.decidedAt.size} of ${count} claims decided after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done.catch(() => {});
  }
}

// Watches the claims of one namespace from the client's side and records, per claim, when the first event
// showing a decision arrived. This is what a service polling its claim sees: created → Granted visible.

import type { KubeConfig } from '@kubernetes/client-node';
import { CONDITION_GRANTED, type ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { type ObjectWatch, type WatchEvent, watchObjects } from './watch.ts';

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
  #waiters: { count: number; resolve: () => void }[] = [];
  #watch: ObjectWatch | undefined;

  static async open(kc: KubeConfig, namespace: string): Promise<ClaimWatch> {
    const watch = new ClaimWatch();
    watch.#watch = await watchObjects<ResourceClaim>(kc, RESOURCES.claims, namespace, (event, now) =>
      watch.#event(event, now),
    );
    return watch;
  }

  #event(event: WatchEvent<ResourceClaim>, now: number): void {
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

  /** Times the apiserver ended the watch and it was resumed. */
  get reopened(): number {
    return this.#watch?.reopened ?? 0;
  }

  async close(): Promise<void> {
    await this.#watch?.close();
  }
}

// Create latency for one kind in one namespace: sequential creates (latency per request, nothing else in
// flight) and a concurrent burst (throughput). Used for plain ConfigMaps, ConfigMaps under a built-in
// ResourceQuota, and (once the webhook exists) a kind enforced by a ClaimCreationPolicy.
import type { KubeClient, ResourceRef } from '../../src/runtime/index.ts';
import { burst } from '../lib/pool.ts';
import { type LatencySummary, summarize } from '../lib/stats.ts';

export const CONFIGMAPS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
};

/** Untimed creates first (connections, caches, JIT). */
export const WARM_UP = 20;

export interface CreateFigures {
  readonly sequentialMs: LatencySummary;
  readonly burstMs: LatencySummary;
  readonly burstThroughput: number;
}

export async function measureCreates(
  client: KubeClient,
  ref: ResourceRef,
  namespace: string,
  counts: { sequential: number; burst: number; concurrency: number },
  body: (name: string) => object = (name) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { k: 'v' },
  }),
  /** Called around the sequential creates (after the warm-up, before the burst). */
  phases: { beforeSequential?: () => Promise<void>; afterSequential?: () => Promise<void> } = {},
): Promise<CreateFigures> {
  const timed = async (name: string) => {
    const t0 = performance.now();
    await client.create(ref, { ...body(name), metadata: { name, namespace } });
    return performance.now() - t0;
  };
  for (let i = 0; i < WARM_UP; i++) await timed(`warm-${i}`);
  await phases.beforeSequential?.();
  const sequential: number[] = [];
  for (let i = 0; i < counts.sequential; i++) sequential.push(await timed(`seq-${i}`));
  await phases.afterSequential?.();
  const concurrent: number[] = [];
  const t0 = performance.now();
  await burst(counts.burst, counts.concurrency, async (i) => {
    concurrent.push(await timed(`burst-${i}`));
  });
  const wall = (performance.now() - t0) / 1000;
  return {
    sequentialMs: summarize(sequential),
    burstMs: summarize(concurrent),
    burstThroughput: counts.burst / wall,
  };
}

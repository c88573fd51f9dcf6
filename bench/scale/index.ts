// Scale (SPEC §11): 10,000 consumers × 3 resource types with 100,000 claims (`--scale=small`: 1,000 and
// 10,000). The state is built through the API before the operator starts (see state.ts: creating 100,000
// claims through the operator would time the decider, not start-up); the operator must still list, cache and
// index all of it and reconcile every consumer. Measured: set-up time and rate, operator start → /readyz,
// ready → first full pass done (and the writes it made: 0 expected), RSS, steady-state CPU over 30 s, and
// heap per cached object (a separate in-process run with --expose-gc, see heap-probe.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import {
  createClient,
  KubeApiError,
  type KubeClient,
  kubeRequest,
  type ResourceRef,
  resourcePath,
} from '../../src/runtime/index.ts';
import { repoPath } from '../../test/support/kube.ts';
import {
  type Bench,
  type BenchContext,
  type BenchResult,
  createNamespaces,
  startQuotaPlane,
} from '../lib/bench.ts';
import { metricValue, type OperatorHandle, processUsage, spawnOperator } from '../lib/operator.ts';
import type { Row } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { deploymentNodeFlags } from './deployment.ts';
import { etcdUrl } from './etcd.ts';
import { buildState, claimNamespace, createRegistrations, type StateShape } from './state.ts';
import { preloadState } from './state-etcd.ts';

const MiB = 2 ** 20;
// Consumers built at once; each has up to 10 requests in flight (its claims), so ~500 requests in flight.
const SETUP_CONCURRENCY = 64;
// Issue #15's targets (SPEC §11's were start → ready ≤ 60 s and RSS ≤ 1 GiB).
const target = (op: '<=' | '>=', value: number) => ({ op, value, source: 'issue #15' });
const READY_SECONDS = 15;
const RSS_MIB = 512;

/** Writes to quota objects the apiserver has served (its own request counter). */
async function quotaWrites(plane: ControlPlane): Promise<number> {
  const { body } = await plane.get('/metrics');
  return body
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('apiserver_request_total{') &&
        l.includes('group="quota.miloapis.com"') &&
        /verb="(POST|PUT|PATCH|DELETE)"/.test(l),
    )
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Waits until no reconcile has started for 2 s and none is running; returns ms from the call to the last
 * change seen (scrapes every 250 ms, so that is the resolution). */
async function waitQuiet(
  operator: OperatorHandle,
  timeoutMs: number,
): Promise<{ ms: number; reconciles: number }> {
  const t0 = performance.now();
  let last = -1;
  let changedAt = t0;
  while (performance.now() - t0 < timeoutMs) {
    const text = await operator.metrics();
    const reconciles = metricValue(text, 'controller_runtime_reconcile_total');
    const now = performance.now();
    if (reconciles !== last) {
      last = reconciles;
      changedAt = now;
    } else if (now - changedAt >= 2000 && metricValue(text, 'controller_runtime_active_workers') === 0) {
      return { ms: changedAt - t0, reconciles };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the operator was still reconciling after ${timeoutMs} ms`);
}

/** How many claims a LIST through the apiserver sees (one small page: the rest is remainingItemCount). */
async function servedClaims(client: KubeClient): Promise<number> {
  const page = await kubeRequest<{ items: unknown[]; metadata: { remainingItemCount?: number } }>(
    client.kubeConfig,
    {
      method: 'GET',
      path: resourcePath(RESOURCES.claims),
      query: { limit: 1 },
      timeoutMs: 120_000,
    },
  );
  return page.items.length + (page.metadata.remainingItemCount ?? 0);
}

/**
 * Waits until the apiserver's watch caches of the kinds put into etcd answer (429 while they initialize).
 * Objects put into etcd behind the apiserver's back are re-read and decoded by it (tens of CPU seconds at full
 * scale); without this wait, start → ready times that too and not the operator's start. A live cluster's
 * caches filled as its objects were made.
 */
async function watchCachesReady(client: KubeClient): Promise<void> {
  for (const resource of [RESOURCES.claims, RESOURCES.grants, RESOURCES.buckets])
    await watchCacheReady(client, resource);
}

async function watchCacheReady(client: KubeClient, resource: ResourceRef): Promise<void> {
  for (;;) {
    try {
      // resourceVersion 0 without a limit is the watch cache's to answer; the selector keeps the answer empty
      await kubeRequest(client.kubeConfig, {
        method: 'GET',
        path: resourcePath(resource),
        query: { resourceVersion: '0', fieldSelector: 'metadata.name=not-a-quota-object' },
      });
      return;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 429)) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** etcd's own figure for the bytes its database holds (all revisions not yet compacted). */
async function etcdBytesInUse(plane: ControlPlane): Promise<number> {
  const text = await (await fetch(`${etcdUrl(plane)}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('etcd_mvcc_db_total_size_in_use_in_bytes '));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

async function heapProbe(plane: ControlPlane): Promise<{
  objects: number;
  heapRunning: number;
  heapStopped: number;
  claims: number;
  claimsHeap: number;
}> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=4096', repoPath('bench/scale/heap-probe.ts')],
    { env: { ...process.env, KUBECONFIG: plane.kubeconfigPath }, maxBuffer: 1 << 20, timeout: 900_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

async function runAll(plane: ControlPlane, ctx: BenchContext): Promise<BenchResult> {
  const full = ctx.scale === 'full';
  const shape: StateShape = {
    consumers: full ? 10_000 : 1_000,
    resourceTypes: 3,
    claimsPerConsumer: 10,
    claimNamespaces: 10,
  };
  const scenario = `${shape.consumers} consumers × ${shape.resourceTypes}, ${shape.consumers * shape.claimsPerConsumer} claims`;
  const client = createClient(plane.kubeConfig);
  await createNamespaces(
    client,
    Array.from({ length: shape.claimNamespaces }, (_, i) => claimNamespace(i)),
  );
  const setup = process.env.SCALE_SETUP === 'api' ? 'api' : 'etcd';
  ctx.log(`building ${scenario} ${setup === 'api' ? 'through the API' : 'straight into etcd'}`);
  const t0 = performance.now();
  let requests: number;
  if (setup === 'api') {
    requests = await buildState(client, shape, SETUP_CONCURRENCY, (done) =>
      ctx.log(`  ${done} consumers built`),
    );
  } else {
    const registrations = await createRegistrations(client, shape);
    requests = await preloadState(plane, shape, registrations, (done) => {
      if (done % 5000 === 0 || done === shape.consumers) ctx.log(`  ${done} consumers stored`);
    });
  }
  const total = shape.consumers * shape.claimsPerConsumer;
  const served = await servedClaims(client);
  if (served !== total) throw new Error(`the apiserver serves ${served} claims, expected ${total}`);
  const cacheWait = performance.now();
  await watchCachesReady(client);
  ctx.log(
    `the apiserver's watch caches of claims, grants and buckets are ready ${round((performance.now() - cacheWait) / 1000)} s later`,
  );
  const setupSeconds = (performance.now() - t0) / 1000;
  const setupNote =
    setup === 'api'
      ? `${requests} API requests, ${round(requests / setupSeconds)} req/s, ${SETUP_CONCURRENCY} consumers in flight`
      : `${requests} objects put into etcd (txns of 128), then ${served} claims listed back through the apiserver; SCALE_SETUP=api builds it with API requests instead`;
  ctx.log(`state built in ${round(setupSeconds)} s: ${setupNote}`);
  const stored = await etcdBytesInUse(plane);
  ctx.log(
    `etcd: ${round(stored / MiB)} MiB in use, ${round(stored / requests)} B per stored object (docs/scaling.md)`,
  );

  const writesBefore = await quotaWrites(plane);
  // with the Deployment's NODE_OPTIONS: RSS is what is deployed, not Node's defaults (a 4× larger young generation)
  const nodeFlags = deploymentNodeFlags();
  const operator = await spawnOperator(plane, { nodeFlags });
  const rows: Row[] = [];
  const details: Record<string, unknown> = { shape, setup, setupSeconds, setupRequests: requests, nodeFlags };
  try {
    const readyMs = await operator.waitReady();
    ctx.log(`operator ready in ${round(readyMs)} ms; waiting for its first full pass`);
    const { ms: passMs, reconciles: startupReconciles } = await waitQuiet(operator, 900_000);
    const startupWrites = (await quotaWrites(plane)) - writesBefore;
    const atRest = processUsage(operator.pid);
    ctx.log(
      `first pass done ${round(passMs / 1000)} s after ready (${startupWrites} writes); measuring 30 s at rest`,
    );
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const after = processUsage(operator.pid);
    const cpu = (after.cpuSeconds - atRest.cpuSeconds) / 30;
    const metrics = await operator.metrics();
    details.operator = {
      readyMs,
      passMs,
      startupWrites,
      rss: after.rssBytes,
      peakRss: after.peakRssBytes,
      cpu,
      reconciles: metricValue(metrics, 'controller_runtime_reconcile_total{controller="consumer"'),
    };
    rows.push(
      {
        bench: 'scale',
        scenario,
        metric: `set-up (${setup})`,
        value: round(setupSeconds),
        unit: 's',
        note: setupNote,
      },
      {
        bench: 'scale',
        scenario,
        metric: 'operator start → /readyz',
        value: round(readyMs / 1000, 2),
        unit: 's',
        target: target('<=', READY_SECONDS),
      },
      {
        bench: 'scale',
        scenario,
        metric: '/readyz → first pass over every consumer done',
        value: round(passMs / 1000, 1),
        unit: 's',
        note: `${startupReconciles} reconciles, ${startupWrites} writes during start-up (0 expected: the state was consistent)`,
      },
      {
        bench: 'scale',
        scenario,
        metric: 'RSS at rest',
        value: round(after.rssBytes / MiB),
        unit: 'MiB',
        target: target('<=', RSS_MIB),
      },
      {
        bench: 'scale',
        scenario,
        metric: 'peak RSS',
        value: round(after.peakRssBytes / MiB),
        unit: 'MiB',
        target: target('<=', RSS_MIB),
      },
      { bench: 'scale', scenario, metric: 'CPU at rest (30 s)', value: round(cpu * 1000), unit: 'mCPU' },
    );
  } finally {
    await operator.stop();
  }
  ctx.log('heap per cached object (in-process operator, --expose-gc)');
  const heap = await heapProbe(plane);
  details.heap = heap;
  rows.push({
    bench: 'scale',
    scenario,
    metric: 'heap per cached object',
    value: round((heap.heapRunning - heap.heapStopped) / heap.objects / 1024, 2),
    unit: 'KiB',
    note: `${heap.objects} objects, heap ${round(heap.heapRunning / MiB)} MiB running, ${round(heap.heapStopped / MiB)} MiB after stop`,
  });
  rows.push({
    bench: 'scale',
    scenario,
    metric: 'heap per cached claim',
    value: round(heap.claimsHeap / heap.claims),
    unit: 'B',
    note: `the claims' informer alone (claim view, its indexes, interner tables): ${round(heap.claimsHeap / MiB)} MiB for ${heap.claims} claims`,
  });
  return { rows, details };
}

export const scaleBench: Bench = {
  name: 'scale',
  description: '10,000 consumers × 3 types, 100,000 claims: start → ready, RSS, CPU at rest, heap per object',
  async run(ctx) {
    const plane = await startQuotaPlane();
    try {
      return await runAll(plane, ctx);
    } finally {
      await plane.stop();
    }
  },
};

// The quota objects the decision benchmark needs: one registration, a grant per consumer, and a wait until
// the operator has activated them all and created every bucket (so the measured runs time decisions, not
// start-up work). The grants' start-up is itself measured (issue #15 row 6): how long creating them takes,
// how long the operator then takes to make them all Active, against how fast the apiserver takes status
// writes on as many grants.
import {
  type AllowanceBucket,
  CONDITION_ACTIVE,
  isConditionTrue,
  MESSAGES,
  type ResourceGrant,
  type ResourceRegistration,
  toRFC3339,
} from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { createClient, type KubeClient, kubeRequest, resourcePath } from '../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../../test/support/builders.ts';
import { QUOTA_NAMESPACE } from '../lib/bench.ts';
import { type CpuSplit, cpuMeter } from '../lib/cpu.ts';
import { metricValue, type OperatorHandle } from '../lib/operator.ts';
import { burst } from '../lib/pool.ts';
import { type ObjectWatch, until, watchObjects } from '../lib/watch.ts';

export const RESOURCE_TYPE = 'bench.example.com/widgets';
export const MANY_CONSUMERS = 1000;

export async function createRegistration(client: KubeClient): Promise<void> {
  await client.create(RESOURCES.registrations, makeRegistration('bench-widgets', RESOURCE_TYPE));
}

/** Grants are created (and their statuses written, for the baseline) this many at a time. */
export const GRANT_CONCURRENCY = 20;

export interface GrantSpec {
  readonly consumer: string;
  readonly amount: number;
}

const grantFor = (g: GrantSpec, namespace: string) =>
  makeGrant(`grant-${g.consumer}`, namespace, org(g.consumer)).allow(RESOURCE_TYPE, g.amount).build();

/** Creates the grants, GRANT_CONCURRENCY at a time; returns the seconds from the first create request to
 * the last answer. */
export async function createGrants(
  client: KubeClient,
  grants: readonly GrantSpec[],
  namespace = QUOTA_NAMESPACE,
): Promise<number> {
  const t0 = performance.now();
  await burst(grants.length, GRANT_CONCURRENCY, async (i) => {
    const g = grants[i];
    if (g) await client.create(RESOURCES.grants, grantFor(g, namespace));
  });
  return (performance.now() - t0) / 1000;
}

export interface StatusWriteBaseline {
  readonly grants: number;
  /** Creating them with no operator running. */
  readonly createSeconds: number;
  /** Writing an Active status on each, GRANT_CONCURRENCY at a time, as the grant controller would, until the
   * watch has seen the last. */
  readonly statusSeconds: number;
  /** Until the last write was answered. */
  readonly writesSeconds: number;
  readonly statusWritesPerSecond: number;
  /** CPU seconds by process during the status writes (the operator's start-up run reports the same split). */
  readonly statusCpuSeconds: CpuSplit;
}

/** The apiserver's own pace for the grant controller's work, before the operator starts: the same grants
 * in a scratch namespace, created, then each given the status an Active grant has (a merge patch of the
 * status subresource, as the operator writes it), then deleted. Timed as the operator's run is: until a
 * watch of the namespace has seen every grant Active (the watch costs the apiserver the same in both). */
export async function measureGrantStatusWrites(
  plane: ControlPlane,
  grants: readonly GrantSpec[],
  namespace: string,
): Promise<StatusWriteBaseline> {
  const client = createClient(plane.kubeConfig);
  const createSeconds = await createGrants(client, grants, namespace);
  const activation = await GrantActivation.open(client, namespace);
  const statusCpu = cpuMeter(plane);
  const t0 = performance.now();
  await burst(grants.length, GRANT_CONCURRENCY, async (i) => {
    const g = grants[i];
    if (!g) return;
    const stamp = toRFC3339(new Date());
    await client.patch(
      RESOURCES.grants,
      namespace,
      `grant-${g.consumer}`,
      'merge',
      {
        status: {
          observedGeneration: 1,
          conditions: [
            {
              type: CONDITION_ACTIVE,
              status: 'True',
              reason: 'GrantActive',
              message: MESSAGES.grantActive,
              lastTransitionTime: stamp,
              observedGeneration: 1,
            },
          ],
        },
      },
      { subresource: 'status' },
    );
  });
  const writesSeconds = (performance.now() - t0) / 1000;
  let statusSeconds: number;
  try {
    statusSeconds = ((await activation.waitAll(grants.length, 120_000)) - t0) / 1000;
  } finally {
    await activation.close();
  }
  const statusCpuSeconds = statusCpu();
  await kubeRequest(client.kubeConfig, {
    method: 'DELETE',
    path: resourcePath(RESOURCES.grants, namespace),
    timeoutMs: 120_000,
  });
  return {
    grants: grants.length,
    createSeconds,
    statusSeconds,
    writesSeconds,
    statusWritesPerSecond: grants.length / statusSeconds,
    statusCpuSeconds,
  };
}

/** Watches a namespace's grants (default the operator's) and records when each was first seen Active. */
export class GrantActivation {
  readonly activeAt = new Map<string, number>();
  #watch: ObjectWatch | undefined;

  static async open(client: KubeClient, namespace = QUOTA_NAMESPACE): Promise<GrantActivation> {
    const activation = new GrantActivation();
    activation.#watch = await watchObjects<ResourceGrant>(
      client.kubeConfig,
      RESOURCES.grants,
      namespace,
      (event, now) => {
        const name = event.object.metadata?.name ?? '';
        if (activation.activeAt.has(name) || event.type === 'DELETED') return;
        if (isConditionTrue(event.object.status?.conditions, CONDITION_ACTIVE))
          activation.activeAt.set(name, now);
      },
    );
    return activation;
  }

  /** Waits until `count` grants have been seen Active; returns the performance.now() of the last. */
  async waitAll(count: number, timeoutMs: number): Promise<number> {
    await until(
      () => this.activeAt.size >= count,
      timeoutMs,
      () => `${this.activeAt.size} of ${count} grants Active`,
    );
    return Math.max(...this.activeAt.values());
  }

  async close(): Promise<void> {
    await this.#watch?.close();
  }
}

/** Every bucket of RESOURCE_TYPE in the operator's namespace, as the watch last showed it: consumer name →
 * status.allocated. The decision runs wait on it until the buckets are exact again. */
export class BucketLedger {
  readonly allocated = new Map<string, number>();
  #watch: ObjectWatch | undefined;

  static async open(client: KubeClient): Promise<BucketLedger> {
    const ledger = new BucketLedger();
    ledger.#watch = await watchObjects<AllowanceBucket>(
      client.kubeConfig,
      RESOURCES.buckets,
      QUOTA_NAMESPACE,
      (event) => {
        const bucket = event.object;
        if (bucket.spec?.resourceType !== RESOURCE_TYPE) return;
        const consumer = bucket.spec.consumerRef.name;
        if (event.type === 'DELETED') ledger.allocated.delete(consumer);
        else ledger.allocated.set(consumer, bucket.status?.allocated ?? 0);
      },
    );
    return ledger;
  }

  /** Consumers whose bucket does not (yet) show `expected` allocated. */
  misses(expected: ReadonlyMap<string, number>): string[] {
    return [...expected].filter(([c, n]) => this.allocated.get(c) !== n).map(([c]) => c);
  }

  /** Resolves once every consumer's bucket shows `expected` allocated; returns the ms it took. */
  async waitExact(expected: ReadonlyMap<string, number>, timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    await until(
      () => this.misses(expected).length === 0,
      timeoutMs,
      () => {
        const misses = this.misses(expected);
        const first = misses[0] ?? '';
        return `${misses.length} buckets not exact yet (e.g. ${first}: ${this.allocated.get(first)} allocated, ${expected.get(first)} granted)`;
      },
      20,
    );
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    await this.#watch?.close();
  }
}

async function list<T>(client: KubeClient, ref: typeof RESOURCES.grants, namespace?: string): Promise<T[]> {
  const page = await kubeRequest<{ items: T[] }>(client.kubeConfig, {
    method: 'GET',
    path: resourcePath(ref, namespace),
    timeoutMs: 60_000,
  });
  return page.items;
}

/** Waits until every grant is Active, `buckets` buckets have a status and the consumer controller has
 * done nothing for a second (no reconcile started or running). */
export async function waitForOperatorIdle(
  client: KubeClient,
  operator: OperatorHandle,
  buckets: number,
  log: (message: string) => void,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  let lastReconciles = -1;
  let lastLog = Date.now();
  while (Date.now() < deadline) {
    const registrations = await list<ResourceRegistration>(client, RESOURCES.registrations);
    const grants = await list<ResourceGrant>(client, RESOURCES.grants, QUOTA_NAMESPACE);
    const existing = await list<AllowanceBucket>(client, RESOURCES.buckets, QUOTA_NAMESPACE);
    const metrics = await operator.metrics();
    const consumer = (name: string) => metricValue(metrics, `${name}{controller="consumer"`);
    const reconciles = consumer('controller_runtime_reconcile_total');
    const active = consumer('controller_runtime_active_workers');
    const activeRegs = registrations.every((r) => isConditionTrue(r.status?.conditions, CONDITION_ACTIVE));
    const activeGrants = grants.filter((g) => isConditionTrue(g.status?.conditions, CONDITION_ACTIVE)).length;
    const withStatus = existing.filter((b) => b.status?.limit !== undefined).length;
    state = `registrations active: ${activeRegs}, grants active: ${activeGrants}/${grants.length}, buckets: ${withStatus}/${buckets}, consumer reconciles: ${reconciles} (errors ${consumer('controller_runtime_reconcile_errors_total')}), active workers: ${active}`;
    const quiet = reconciles === lastReconciles && active === 0;
    if (activeRegs && activeGrants === grants.length && withStatus >= buckets && quiet) return;
    lastReconciles = reconciles;
    if (Date.now() - lastLog > 10_000) {
      log(`waiting for the operator: ${state}`);
      lastLog = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the operator did not settle within ${timeoutMs} ms (${state})`);
}

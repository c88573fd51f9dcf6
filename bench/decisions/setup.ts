// The quota objects the decision benchmark needs: one registration, a grant per consumer, and a wait until
// the operator has activated them all and created every bucket (so the measured runs time decisions, not
// start-up work).
import {
  type AllowanceBucket,
  CONDITION_ACTIVE,
  isConditionTrue,
  type ResourceGrant,
  type ResourceRegistration,
} from '../../src/api/index.ts';
import { RESOURCES } from '../../src/controllers/index.ts';
import { type KubeClient, kubeRequest, resourcePath } from '../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../../test/support/builders.ts';
import { QUOTA_NAMESPACE } from '../lib/bench.ts';
import { metricValue, type OperatorHandle } from '../lib/operator.ts';
import { burst } from '../lib/pool.ts';

export const RESOURCE_TYPE = 'bench.example.com/widgets';
export const MANY_CONSUMERS = 1000;

export async function createRegistration(client: KubeClient): Promise<void> {
  await client.create(RESOURCES.registrations, makeRegistration('bench-widgets', RESOURCE_TYPE));
}

export async function createGrants(
  client: KubeClient,
  consumers: readonly string[],
  amount: number,
): Promise<void> {
  await burst(consumers.length, 20, async (i) => {
    const consumer = consumers[i] ?? '';
    await client.create(
      RESOURCES.grants,
      makeGrant(`grant-${consumer}`, QUOTA_NAMESPACE, org(consumer)).allow(RESOURCE_TYPE, amount).build(),
    );
  });
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

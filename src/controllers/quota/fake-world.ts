// Fixtures for the quota controllers' unit tests on the in-memory fakes (runtime/fake): a FakeManager with
// a registration and a grant, the consumer controller on it, and readers of the claims' and buckets' state.
// Test code only.
import assert from 'node:assert/strict';
import type { AllowanceBucket, ResourceClaim, ResourceGrant } from '../../api/index.ts';
import { activeCondition, makeRegistration, ORG, PROJECTS } from '../../api/testing.ts';
import { QuotaCache, RESOURCES } from '../../cache/index.ts';
import { eventually, FakeManager, type FakeRequest } from '../../runtime/fake/index.ts';
import { type ConsumerControllerOptions, setupConsumerController } from './consumer-controller.ts';

export const NS = 'quota-system';
let running: FakeManager[] = [];
/** Stops every world started so far: `afterEach(stopWorlds)`. */
export async function stopWorlds(): Promise<void> {
  await Promise.all(running.map((m) => m.stop()));
  running = [];
}

/** A grant of `limit` projects for acme, Active and validated (observedGeneration current). */
export function grantObject(limit: number, name = 'acme'): ResourceGrant {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceGrant',
    metadata: { name, namespace: NS, generation: 1 },
    spec: { consumerRef: { ...ORG }, allowances: [{ resourceType: PROJECTS, buckets: [{ amount: limit }] }] },
    status: { observedGeneration: 1, conditions: [activeCondition()] },
  };
}

/** A manager with one Active registration and one validated grant of `limit` projects for acme. */
export function world(limit: number, options: Partial<ConsumerControllerOptions> = {}): FakeManager {
  const mgr = new FakeManager();
  mgr.client.add(RESOURCES.registrations, makeRegistration());
  mgr.client.add(RESOURCES.grants, grantObject(limit));
  const caches = new QuotaCache(mgr.informers);
  setupConsumerController(mgr, caches, {
    bucketNamespace: () => NS,
    startupWaitMs: 0,
    bucketBudget: { quietMs: 5 }, // buckets follow at once: no claim writes to give way to
    ...options,
  });
  mgr.start();
  running.push(mgr);
  return mgr;
}

export const claim = (name: string, amount = 1): ResourceClaim => ({
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'ResourceClaim',
  metadata: { name, namespace: 'default' },
  spec: { consumerRef: { ...ORG }, requests: [{ resourceType: PROJECTS, amount }] },
});

/** Each claim's outcome: 'Granted', 'Denied', or 'open' while it has no final allocation. */
export function outcomes(mgr: FakeManager): Record<string, string> {
  const result: Record<string, string> = {};
  for (const c of mgr.client.list<ResourceClaim>(RESOURCES.claims)) {
    const status = c.status?.allocations?.[0]?.status;
    result[c.metadata.name ?? ''] = status === 'Granted' || status === 'Denied' ? status : 'open';
  }
  return result;
}

export const settled = (mgr: FakeManager, names: string[]) =>
  eventually(() => {
    const now = outcomes(mgr);
    for (const name of names) assert.notEqual(now[name] ?? 'open', 'open', `claim ${name} is still open`);
    return now;
  });

export const bucket = (mgr: FakeManager) =>
  mgr.client.list<AllowanceBucket>(RESOURCES.buckets, NS)[0]?.status;

export const claimStatusWrite = (name: string) => (req: FakeRequest) =>
  req.resource === RESOURCES.claims && req.subresource === 'status' && req.name === name;

/** Holds the first request `match` selects until the returned release is called with its fate. */
export function hold(mgr: FakeManager, match: (req: FakeRequest) => boolean) {
  let release: (error?: unknown) => void = () => {};
  const gate = new Promise<unknown>((resolve) => {
    release = resolve;
  });
  let held = false;
  let reached: () => void = () => {};
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  mgr.client.use(async (req, next) => {
    if (held || !match(req)) return next();
    held = true;
    reached();
    const error = await gate;
    if (error !== undefined) throw error;
    return next();
  });
  return { arrived, release };
}

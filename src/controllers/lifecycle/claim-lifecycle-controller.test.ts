// The claim lifecycle controller on the in-memory fakes, with an injected clock: a claim is linked to its
// object, released when an owner GC cannot follow is deleted, and an auto-created orphan is deleted only once
// its grace period has passed.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { LABEL_AUTO_CREATED, type ResourceClaim } from '../../api/index.ts';
import { ORG, PROJECTS } from '../../api/testing.ts';
import { QuotaCache, RESOURCES } from '../../cache/index.ts';
import { eventually, FakeManager } from '../../runtime/fake/index.ts';
import { DynamicWatches, type KubeObject, type ResourceRef } from '../../runtime/index.ts';
import { setupClaimLifecycleController } from './claim-lifecycle-controller.ts';

const PROJECT: ResourceRef = {
  group: 'resourcemanager.miloapis.com',
  version: 'v1alpha1',
  plural: 'projects',
  namespaced: true,
  kind: 'Project',
};
const GRACE = 30_000;
const T0 = Date.parse('2026-12-04T10:00:00Z');

let managers: FakeManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  managers = [];
});

function setup() {
  const clock = { now: T0 };
  const mgr = new FakeManager({ now: () => clock.now });
  const caches = new QuotaCache(mgr.informers);
  const discovery = {
    resolveGroupKind: async (group: string, kind: string) =>
      group === PROJECT.group && kind === PROJECT.kind ? PROJECT : undefined,
    serving: async () => ({ served: false as const }),
  };
  const watches = new DynamicWatches({
    discovery,
    access: { missingVerbs: async () => [], user: async () => undefined },
    informers: mgr.informers,
  });
  setupClaimLifecycleController(
    mgr,
    caches,
    { discovery, watches },
    { orphanGracePeriodMs: GRACE, now: () => clock.now },
  );
  mgr.start();
  managers.push(mgr);
  return { mgr, clock };
}

function claim(name: string, owner: { namespace?: string; name: string }, auto = true): ResourceClaim {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceClaim',
    metadata: { name, namespace: 'team-a', ...(auto ? { labels: { [LABEL_AUTO_CREATED]: 'true' } } : {}) },
    spec: {
      consumerRef: { ...ORG },
      requests: [{ resourceType: PROJECTS, amount: 1 }],
      resourceRef: { apiGroup: PROJECT.group, kind: 'Project', ...owner },
    },
  };
}

const project = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Project',
  metadata: { namespace, name },
});

const stored = (mgr: FakeManager, name: string) =>
  mgr.client.object<ResourceClaim>(RESOURCES.claims, 'team-a', name);

/** Gives the controller a reason to look at the claim again (any claim event). */
const nudge = (mgr: FakeManager, name: string) =>
  mgr.client.patch(RESOURCES.claims, 'team-a', name, 'merge', {
    metadata: { annotations: { nudge: `${Math.random()}` } },
  });

const quiet = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('claim lifecycle on fakes', () => {
  it('links a claim to its object by a non-controller ownerReference', async () => {
    const { mgr } = setup();
    const web = mgr.client.add(PROJECT, project('team-a', 'web'));
    await mgr.client.create(RESOURCES.claims, claim('c', { name: 'web' }));
    const refs = await eventually(() => {
      const found = stored(mgr, 'c')?.metadata.ownerReferences;
      assert.equal(found?.length, 1);
      return found;
    });
    assert.deepEqual(refs?.[0], {
      apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
      kind: 'Project',
      name: 'web',
      uid: web.metadata?.uid,
      controller: false,
      blockOwnerDeletion: false,
    });
  });

  it('releases a claim whose owner (in another namespace, beyond GC) is deleted', async () => {
    const { mgr, clock } = setup();
    mgr.client.add(PROJECT, project('team-b', 'web'));
    await mgr.client.create(RESOURCES.claims, claim('c', { namespace: 'team-b', name: 'web' }));
    await quiet();
    clock.now = T0 + GRACE; // old enough to be an orphan once its owner goes
    assert.ok(stored(mgr, 'c'), 'kept while the owner exists');
    assert.equal(
      stored(mgr, 'c')?.metadata.ownerReferences,
      undefined,
      'no ownerReference across namespaces',
    );
    await mgr.client.delete(PROJECT, 'team-b', 'web');
    await eventually(() => assert.equal(stored(mgr, 'c'), undefined, 'released when its owner went'));
  });

  const orphans: { name: string; auto: boolean; ageMs: number; deleted: boolean }[] = [
    { name: 'auto-created, within the grace period', auto: true, ageMs: GRACE - 1, deleted: false },
    { name: 'auto-created, grace period passed', auto: true, ageMs: GRACE, deleted: true },
    { name: 'manual, long past the grace period', auto: false, ageMs: 10 * GRACE, deleted: false },
  ];
  for (const o of orphans) {
    it(`orphan (object never appeared): ${o.name} → ${o.deleted ? 'deleted' : 'kept'}`, async () => {
      const { mgr, clock } = setup();
      await mgr.client.create(RESOURCES.claims, claim('c', { name: 'never' }, o.auto));
      await quiet();
      assert.ok(stored(mgr, 'c'), 'a new claim is never an orphan');
      clock.now = T0 + o.ageMs;
      await nudge(mgr, 'c');
      if (o.deleted) await eventually(() => assert.equal(stored(mgr, 'c'), undefined));
      else {
        await quiet();
        assert.ok(stored(mgr, 'c'));
      }
    });
  }

  it('deletes an auto-created claim that was denied, and keeps a denied manual claim', async () => {
    const { mgr } = setup();
    mgr.client.add(PROJECT, project('team-a', 'web'));
    const denied = {
      allocations: [{ resourceType: PROJECTS, status: 'Denied' as const, reason: 'QuotaExceeded' }],
    };
    mgr.client.add(RESOURCES.claims, { ...claim('auto', { name: 'web' }), status: denied });
    mgr.client.add(RESOURCES.claims, { ...claim('manual', { name: 'web' }, false), status: denied });
    await eventually(() => assert.equal(stored(mgr, 'auto'), undefined));
    assert.ok(stored(mgr, 'manual'));
  });
});

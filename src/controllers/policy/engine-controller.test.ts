// The grant-creation engine on the in-memory fakes: the production engine, trigger-kind watches and policy
// readiness cache, over the fake client. Each case starts a world, acts as a user would (create, patch, delete) and
// reads the grants the fake client holds. What the fakes cannot show (garbage collection by ownerReference,
// a relist widening the trigger cache for a newly read label) stays with the control-plane tests.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  type GrantCreationPolicy,
  LABEL_POLICY,
  LABEL_TRIGGER_UID,
  type ResourceGrant,
} from '../../api/index.ts';
import { clone, makeGrantPolicy, makeRegistration, ORG, PROJECTS } from '../../api/testing.ts';
import { QuotaCache, RESOURCES } from '../../cache/index.ts';
import { eventually, FakeManager, type RecordedEvent } from '../../runtime/fake/index.ts';
import { DynamicWatches, type KubeObject, type ResourceRef } from '../../runtime/index.ts';
import { kindTriggerRefs, setupGrantEngine } from './engine-controller.ts';
import { addGrantIndexes } from './indexes.ts';
import { PolicyReadinessCache } from './readiness-cache.ts';
import { ORGS, organizationOwner } from './testing.ts';
import { triggerKindOf } from './trigger-kind.ts';
import { type NotServedKind, TriggerWatches } from './trigger-watches.ts';

const PROJECTS_REF: ResourceRef = {
  group: 'resourcemanager.miloapis.com',
  version: 'v1alpha1',
  plural: 'projects',
  namespaced: true,
  kind: 'Project',
};
const SERVED: Record<string, ResourceRef> = {
  'resourcemanager.miloapis.com/v1alpha1/Organization': ORGS,
  'resourcemanager.miloapis.com/v1alpha1/Project': PROJECTS_REF,
};
const NS = 'quota-system';

let managers: FakeManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.stop()));
  managers = [];
});

const org = (name: string, type = 'Standard'): KubeObject => ({
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Organization',
  metadata: { name },
  spec: { type },
});

/** makeGrantPolicy (Standard organizations get 10 projects), renamed and retuned. */
function policy(name = 'standard-tier', change: (p: GrantCreationPolicy) => void = () => {}) {
  const p = clone(makeGrantPolicy());
  p.metadata.name = name;
  change(p);
  return p;
}

/** A fake cluster holding `seed`, with the engine set up and Organizations watched. */
interface Seed {
  readonly policies?: GrantCreationPolicy[];
  readonly grants?: ResourceGrant[];
  readonly triggers?: KubeObject[];
}

async function world(seed: Seed = {}) {
  const mgr = new FakeManager();
  managers.push(mgr);
  mgr.client.add(RESOURCES.registrations, makeRegistration());
  for (const p of seed.policies ?? [policy()]) mgr.client.add(RESOURCES.grantPolicies, p);
  for (const g of seed.grants ?? []) mgr.client.add(RESOURCES.grants, g);
  for (const t of seed.triggers ?? []) mgr.client.add(ORGS, t);
  const caches = new QuotaCache(mgr.informers);
  addGrantIndexes(caches);
  const readinessCache = new PolicyReadinessCache(caches.registrations);
  const watches = new DynamicWatches<NotServedKind>({
    informers: mgr.informers,
    discovery: {
      serving: async (apiVersion, kind) => {
        const ref = SERVED[`${apiVersion}/${kind}`];
        return ref === undefined ? { served: false, crd: undefined } : { served: true, ref };
      },
    },
    access: { missingVerbs: async () => [], user: async () => undefined },
  });
  const triggerWatches = new TriggerWatches({
    watches,
    refsFor: (key) => kindTriggerRefs(caches.grantPolicies.list(), readinessCache, key),
  });
  setupGrantEngine(mgr, caches, readinessCache, triggerWatches);
  mgr.start();
  // What the policy status controller does for each policy's kind.
  for (const p of seed.policies ?? [policy()]) {
    const state = await triggerWatches.ensure(triggerKindOf(p.spec.trigger.resource));
    assert.equal(state.state, 'watching');
  }
  return mgr;
}

const grants = (mgr: FakeManager) => mgr.client.list<ResourceGrant>(RESOURCES.grants, NS);
const names = (mgr: FakeManager) => grants(mgr).map((g) => g.metadata.name);
const grantAt = (mgr: FakeManager, name: string) =>
  mgr.client.object<ResourceGrant>(RESOURCES.grants, NS, name);
const amountOf = (g: ResourceGrant | undefined) => g?.spec.allowances[0]?.buckets[0]?.amount;
const eventsOf = (mgr: FakeManager, reason: string): RecordedEvent[] =>
  mgr.events.filter((e) => e.reason === reason);
const uidOf = (mgr: FakeManager, name: string) =>
  mgr.client.object(ORGS, '', name)?.metadata?.uid ?? assert.fail(`no organization ${name}`);

/** Waits until the grants in the namespace are exactly `expected` (names, sorted). */
const grantsAre = (mgr: FakeManager, expected: string[]) =>
  eventually(() => assert.deepEqual(names(mgr), expected));

const setSpec = (mgr: FakeManager, name: string, spec: unknown) =>
  mgr.client.patch(ORGS, '', name, 'merge', { spec });

const editPolicy = async (mgr: FakeManager, name: string, change: (p: GrantCreationPolicy) => void) => {
  const current = mgr.client.object<GrantCreationPolicy>(RESOURCES.grantPolicies, '', name);
  assert.ok(current, `no policy ${name}`);
  change(current);
  await mgr.client.replace(RESOURCES.grantPolicies, current);
};

/** Long enough for any reconcile the last change queued to have run on the fakes. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('grant-creation engine on fakes', () => {
  it('creates the grant a matching trigger asks for, from the template, owned by the trigger', async () => {
    const mgr = await world();
    await mgr.client.create(ORGS, org('acme'));
    await mgr.client.create(ORGS, org('freeloader', 'Free'));
    await grantsAre(mgr, ['standard-acme']);
    const uid = uidOf(mgr, 'acme');
    const grant = grantAt(mgr, 'standard-acme');
    assert.deepEqual(grant?.metadata.labels, { [LABEL_POLICY]: 'standard-tier', [LABEL_TRIGGER_UID]: uid });
    assert.deepEqual(grant?.spec, {
      consumerRef: { ...ORG },
      allowances: [{ resourceType: PROJECTS, buckets: [{ amount: 10 }] }],
    });
    assert.deepEqual(grant?.metadata.ownerReferences, [organizationOwner(uid)]);
    await eventually(() =>
      assert.deepEqual(
        eventsOf(mgr, 'GrantCreated').map((e) => [e.object.metadata?.name, e.type, e.message]),
        [['acme', 'Normal', 'Created ResourceGrant quota-system/standard-acme (policy standard-tier)']],
      ),
    );
  });

  it('processes the triggers that existed before their kind was watched', async () => {
    const mgr = await world({ triggers: [org('acme'), org('freeloader', 'Free')] });
    await grantsAre(mgr, ['standard-acme']);
  });

  it('deletes the grant when a constraint stops holding, and creates it again when it holds', async () => {
    const mgr = await world();
    await mgr.client.create(ORGS, org('acme'));
    await grantsAre(mgr, ['standard-acme']);
    await setSpec(mgr, 'acme', { type: 'Free' });
    await grantsAre(mgr, []);
    const deleted = await eventually(() => eventsOf(mgr, 'GrantDeleted')[0] ?? assert.fail('no event'));
    assert.match(deleted.message, /standard-acme \(policy standard-tier\): constraint 0 no longer holds/);
    await setSpec(mgr, 'acme', { type: 'Standard' });
    await grantsAre(mgr, ['standard-acme']);
  });

  it('deletes the grant when its trigger is deleted (the operator, not only GC)', async () => {
    const mgr = await world();
    await mgr.client.create(ORGS, org('acme'));
    await mgr.client.create(ORGS, org('beta'));
    await grantsAre(mgr, ['standard-acme', 'standard-beta']);
    await mgr.client.delete(ORGS, '', 'acme');
    await grantsAre(mgr, ['standard-beta']);
    const deleted = await eventually(() => eventsOf(mgr, 'GrantDeleted')[0] ?? assert.fail('no event'));
    assert.equal(deleted.object.metadata?.name, 'acme', 'the Event names the deleted trigger');
    assert.match(deleted.message, /its trigger was deleted/);
  });

  it('re-renders on a policy change: new amounts in place, a new name replaces the old grant', async () => {
    const mgr = await world();
    await mgr.client.create(ORGS, org('acme'));
    await grantsAre(mgr, ['standard-acme']);
    const before = grantAt(mgr, 'standard-acme');
    await editPolicy(mgr, 'standard-tier', (p) => {
      const bucket = p.spec.target.resourceGrantTemplate.spec.allowances[0]?.buckets[0];
      if (bucket) bucket.amount = 25;
    });
    await eventually(() => assert.equal(amountOf(grantAt(mgr, 'standard-acme')), 25));
    assert.equal(
      grantAt(mgr, 'standard-acme')?.metadata.uid,
      before?.metadata.uid,
      'updated, not re-created',
    );
    await editPolicy(mgr, 'standard-tier', (p) => {
      p.spec.target.resourceGrantTemplate.metadata.name = 'tier-{{trigger.metadata.name}}';
    });
    await grantsAre(mgr, ['tier-acme']);
    assert.equal(amountOf(grantAt(mgr, 'tier-acme')), 25);
    const renamed = eventsOf(mgr, 'GrantDeleted').map((e) => e.message);
    assert.ok(
      renamed.some((m) => /its rendered name changed to quota-system\/tier-acme/.test(m)),
      renamed.join('\n'),
    );
  });

  it('a disabled policy creates nothing and leaves the grants it made alone until their trigger goes', async () => {
    const disabled = policy('disabled', (p) => {
      p.spec.disabled = true;
      p.spec.target.resourceGrantTemplate.metadata.name = 'disabled-{{trigger.metadata.name}}';
    });
    // The witness policy proves each trigger was reconciled: one reconcile covers every policy of the kind.
    const mgr = await world({ policies: [disabled, policy()] });
    await mgr.client.create(ORGS, org('acme'));
    await grantsAre(mgr, ['standard-acme']);
    await quiet();
    assert.deepEqual(names(mgr), ['standard-acme'], 'the disabled policy made no grant');

    await editPolicy(mgr, 'disabled', (p) => {
      p.spec.disabled = false;
    });
    await grantsAre(mgr, ['disabled-acme', 'standard-acme']);
    await editPolicy(mgr, 'disabled', (p) => {
      p.spec.disabled = true;
    });
    await setSpec(mgr, 'acme', { type: 'Free' });
    await grantsAre(mgr, ['disabled-acme']); // the witness's grant went: the trigger was reconciled
    await quiet();
    assert.deepEqual(names(mgr), ['disabled-acme'], "a disabled policy's grant stays");
    await mgr.client.delete(ORGS, '', 'acme');
    await grantsAre(mgr, []);
  });

  it('two policies on one trigger: a grant each, and each policy removes only its own', async () => {
    const premium = policy('premium-extra', (p) => {
      p.spec.trigger.constraints = [{ expression: 'trigger.spec.type != "Free"' }];
      p.spec.target.resourceGrantTemplate.metadata.name = 'extra-{{trigger.metadata.name}}';
    });
    const mgr = await world({ policies: [policy(), premium] });
    await mgr.client.create(ORGS, org('acme'));
    await grantsAre(mgr, ['extra-acme', 'standard-acme']);
    assert.deepEqual(
      grants(mgr).map((g) => g.metadata.labels?.[LABEL_POLICY]),
      ['premium-extra', 'standard-tier'],
    );
    const extra = grantAt(mgr, 'extra-acme')?.metadata.uid;
    await setSpec(mgr, 'acme', { type: 'Premium' });
    await grantsAre(mgr, ['extra-acme']);
    await quiet();
    assert.equal(grantAt(mgr, 'extra-acme')?.metadata.uid, extra, 'the other policy never touched it');
    assert.deepEqual(
      eventsOf(mgr, 'GrantDeleted').map((e) => e.message.replace(/:.*/, '')),
      ['Deleted ResourceGrant quota-system/standard-acme (policy standard-tier)'],
    );
    await setSpec(mgr, 'acme', { type: 'Free' });
    await grantsAre(mgr, []);
  });

  it('does not overwrite a grant at the rendered name that the policy did not make', async () => {
    const handMade: ResourceGrant = {
      apiVersion: 'quota.miloapis.com/v1alpha1',
      kind: 'ResourceGrant',
      metadata: { name: 'standard-acme', namespace: NS, labels: { team: 'finance' } },
      spec: { consumerRef: { ...ORG }, allowances: [{ resourceType: PROJECTS, buckets: [{ amount: 3 }] }] },
    };
    const mgr = await world({ grants: [handMade] });
    const stored = grantAt(mgr, 'standard-acme');
    await mgr.client.create(ORGS, org('acme'));
    const warning = await eventually(
      () => eventsOf(mgr, 'PolicyProcessingFailed')[0] ?? assert.fail('no warning yet'),
    );
    assert.equal(warning.type, 'Warning');
    assert.equal(warning.object.metadata?.name, 'acme');
    assert.match(
      warning.message,
      /^policy standard-tier: ResourceGrant quota-system\/standard-acme already exists and was not made by a GrantCreationPolicy: it is left alone; make the template's metadata.name unique per trigger$/,
    );
    await quiet();
    assert.deepEqual(grantAt(mgr, 'standard-acme'), stored, 'untouched');
    assert.equal(eventsOf(mgr, 'GrantUpdated').length, 0);
  });

  it("leaves another policy's grant alone; deletes its own grants whose trigger went while unwatched", async () => {
    const other: ResourceGrant = {
      apiVersion: 'quota.miloapis.com/v1alpha1',
      kind: 'ResourceGrant',
      metadata: {
        name: 'standard-acme',
        namespace: NS,
        labels: { [LABEL_POLICY]: 'someone-else', [LABEL_TRIGGER_UID]: 'gone-1' },
      },
      spec: { consumerRef: { ...ORG }, allowances: [{ resourceType: PROJECTS, buckets: [{ amount: 3 }] }] },
    };
    const orphan = clone(other);
    orphan.metadata.name = 'standard-old';
    orphan.metadata.labels = { [LABEL_POLICY]: 'standard-tier', [LABEL_TRIGGER_UID]: 'gone-2' };
    const mgr = await world({ grants: [other, orphan] });
    await grantsAre(mgr, ['standard-acme']);
    await mgr.client.create(ORGS, org('acme'));
    const warning = await eventually(
      () => eventsOf(mgr, 'PolicyProcessingFailed')[0] ?? assert.fail('no warning yet'),
    );
    assert.match(warning.message, /standard-acme already exists and was made by policy someone-else/);
    await quiet();
    assert.equal(amountOf(grantAt(mgr, 'standard-acme')), 3, "the other policy's grant is untouched");
    assert.equal(grantAt(mgr, 'standard-acme')?.metadata.labels?.[LABEL_POLICY], 'someone-else');
  });

  it('keeps the grant and warns on the trigger when the policy cannot be evaluated for it', async () => {
    const byOwner = policy('standard-tier', (p) => {
      p.spec.target.resourceGrantTemplate.spec.consumerRef.name = '{{trigger.spec.owner}}';
    });
    const mgr = await world({ policies: [byOwner] });
    await mgr.client.create(ORGS, { ...org('acme'), spec: { type: 'Standard', owner: 'acme' } });
    await grantsAre(mgr, ['standard-acme']);
    const before = grantAt(mgr, 'standard-acme');
    await setSpec(mgr, 'acme', { owner: null });
    const warning = await eventually(
      () => eventsOf(mgr, 'PolicyProcessingFailed')[0] ?? assert.fail('no warning yet'),
    );
    assert.equal(warning.object.metadata?.name, 'acme');
    assert.match(
      warning.message,
      /^policy standard-tier: spec\.target\.resourceGrantTemplate\.spec\.consumerRef\.name: evaluating 'trigger\.spec\.owner' failed: field not found: owner/,
    );
    await quiet();
    assert.deepEqual(grantAt(mgr, 'standard-acme'), before, 'an unknown desired state keeps what exists');
  });

  it('a trigger in another namespace than its grant: no ownerReference, and the operator deletes the grant', async () => {
    const perProject = policy('per-project', (p) => {
      p.spec.trigger.resource = { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Project' };
      p.spec.trigger.constraints = [];
      p.spec.target.resourceGrantTemplate.metadata.name = 'project-{{trigger.metadata.name}}';
    });
    const mgr = await world({ policies: [perProject] });
    const project = (namespace: string, name: string): KubeObject => ({
      apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
      kind: 'Project',
      metadata: { namespace, name },
    });
    await mgr.client.create(PROJECTS_REF, project('team-a', 'web'));
    await mgr.client.create(PROJECTS_REF, project(NS, 'local'));
    await grantsAre(mgr, ['project-local', 'project-web']);
    assert.equal(grantAt(mgr, 'project-web')?.metadata.ownerReferences, undefined, 'GC cannot follow it');
    assert.equal(grantAt(mgr, 'project-local')?.metadata.ownerReferences?.[0]?.name, 'local');
    await mgr.client.delete(PROJECTS_REF, 'team-a', 'web');
    await grantsAre(mgr, ['project-local']);
  });

  it('deletes the grants of a trigger being deleted, before its finalizers let it go', async () => {
    const mgr = await world();
    await mgr.client.create(ORGS, {
      ...org('acme'),
      metadata: { name: 'acme', finalizers: ['example.com/hold'] },
    });
    await grantsAre(mgr, ['standard-acme']);
    await mgr.client.delete(ORGS, '', 'acme');
    assert.ok(mgr.client.object(ORGS, '', 'acme')?.metadata?.deletionTimestamp);
    await grantsAre(mgr, []);
  });
});

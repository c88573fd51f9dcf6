// GrantCreationPolicy status on a real control plane: Ready and its reasons (ValidationFailed with the exact
// error, PolicyDisabled, ParentContextUnsupported, an unserved trigger kind), observedGeneration, re-validation
// on registration events, a CRD installed after its policy, namespaced triggers, and grants kept (with an
// Event) when a policy is disabled or deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GrantCreationPolicy } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import type { RunningOperator } from '../../../src/operator/operator.ts';
import type { KubeObject, ResourceRef } from '../../../src/runtime/index.ts';
import { makeRegistration } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk } from '../../support/kube.ts';
import { startTestOperator, useOperator } from '../../support/operator.ts';
import {
  condition,
  getGrant,
  makeGrantPolicy,
  makeOrg,
  ORGS,
  policyReady,
  readyWhen,
  waitEvent,
  waitGrant,
  waitNoGrant,
} from './support.ts';

const plane = useControlPlane();
// Without the validating webhook, so that what admission would reject reaches the controller: its own
// validation is what reports policies stored while the webhook was down, or before it was installed.
const env = useOperator(plane, { webhook: false });
const NS = 'quota-system';
const TYPE = 'example.com/projects';
const getPolicy = (name: string) => env.client.get<GrantCreationPolicy>(RESOURCES.grantPolicies, '', name);

async function editPolicy(
  name: string,
  edit: (p: GrantCreationPolicy) => void,
): Promise<GrantCreationPolicy> {
  const policy = await getPolicy(name);
  edit(policy);
  return env.client.replace(RESOURCES.grantPolicies, policy);
}

const TEAMS: ResourceRef = {
  group: 'example.dev',
  version: 'v1',
  plural: 'teams',
  namespaced: true,
  kind: 'Team',
};
const TEAM_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'teams.example.dev' },
  spec: {
    group: 'example.dev',
    scope: 'Namespaced',
    names: { plural: 'teams', singular: 'team', kind: 'Team', listKind: 'TeamList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};
const team = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'example.dev/v1',
  kind: 'Team',
  metadata: { namespace, name },
});

describe('GrantCreationPolicy status', () => {
  before(async () => {
    await plane.ready;
    await env.client.create(RESOURCES.registrations, makeRegistration('projects', TYPE));
  });

  it('is ValidationFailed with the exact error for a broken expression, and Ready once fixed', async () => {
    const policy = makeGrantPolicy('broken', {
      constraints: ['trigger.spec.type == "Standard" && invalid_function()'],
    });
    await env.client.create(RESOURCES.grantPolicies, policy);
    const failed = await readyWhen(env.client, 'broken', (c) => c.reason === 'ValidationFailed');
    assert.equal(failed.status, 'False');
    assert.match(failed.message, /^spec\.trigger\.constraints\[0\]\.expression: /);
    assert.match(failed.message, /invalid_function/);
    await env.client.create(ORGS, makeOrg('org-a', 'Standard'));
    await editPolicy('broken', (p) => {
      p.spec.trigger.constraints = [{ expression: 'trigger.spec.type == "Standard"' }];
    });
    const ready = await policyReady(env.client, 'broken');
    assert.equal(ready.observedGeneration, 2);
    await waitGrant(env.client, NS, 'broken-org-a');
  });

  it('advances observedGeneration when the conditions do not change, and writes nothing when nothing changed', async () => {
    const before = await getPolicy('broken');
    const updated = await editPolicy('broken', (p) => {
      const allowance = p.spec.target.resourceGrantTemplate.spec.allowances[0];
      if (allowance?.buckets[0]) allowance.buckets[0].amount = 9;
    });
    const generation = updated.metadata.generation ?? 0;
    assert.ok(generation > (before.metadata.generation ?? 0));
    const policy = await eventually('observedGeneration', async () => {
      const p = await getPolicy('broken');
      return p.status?.observedGeneration === generation ? p : undefined;
    });
    const ready = condition(policy, 'Ready');
    assert.equal(ready?.status, 'True');
    assert.equal(ready?.observedGeneration, generation);
    assert.equal(ready?.lastTransitionTime, condition(before, 'Ready')?.lastTransitionTime);
    await eventually(
      'grant updated',
      async () =>
        (await getGrant(env.client, NS, 'broken-org-a'))?.spec.allowances[0]?.buckets[0]?.amount === 9,
    );
    const org = await env.client.get(ORGS, '', 'org-a');
    const updateEvent = await waitEvent(env.client, 'default', org.metadata?.uid ?? '', 'GrantUpdated');
    assert.match(
      updateEvent.message ?? '',
      /Updated ResourceGrant quota-system\/broken-org-a \(policy broken\)/,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(
      (await getPolicy('broken')).metadata.resourceVersion,
      policy.metadata.resourceVersion,
      'no further status write',
    );
  });

  it('is re-validated on registration events', async () => {
    await env.client.delete(RESOURCES.registrations, '', 'projects');
    const failed = await readyWhen(env.client, 'broken', (c) => c.reason === 'ValidationFailed');
    assert.match(failed.message, /example\.com\/projects/);
    // A policy that is not Ready keeps its grants.
    assert.ok(await getGrant(env.client, NS, 'broken-org-a'));
    await env.client.create(RESOURCES.registrations, makeRegistration('projects', TYPE));
    await policyReady(env.client, 'broken');
  });

  it('is ParentContextUnsupported with parentContext set, and creates nothing', async () => {
    const policy = makeGrantPolicy('remote');
    policy.spec.target.parentContext = {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Project',
      nameExpression: 'trigger.metadata.name',
    };
    await env.client.create(RESOURCES.grantPolicies, policy);
    const ready = await readyWhen(env.client, 'remote', (c) => c.reason === 'ParentContextUnsupported');
    assert.equal(ready.status, 'False');
    assert.match(ready.message, /not supported on a single cluster/);
    const parent = condition(await getPolicy('remote'), 'ParentContextReady');
    assert.equal(parent?.status, 'False');
    assert.equal(parent?.reason, 'ParentContextUnsupported');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await getGrant(env.client, NS, 'remote-org-a'), undefined);
    await editPolicy('remote', (p) => {
      delete p.spec.target.parentContext;
    });
    await policyReady(env.client, 'remote');
    assert.equal(condition(await getPolicy('remote'), 'ParentContextReady'), undefined);
    await waitGrant(env.client, NS, 'remote-org-a');
  });

  it('keeps the grants of a disabled policy and says so in an Event', async () => {
    await editPolicy('remote', (p) => {
      p.spec.disabled = true;
    });
    const ready = await readyWhen(env.client, 'remote', (c) => c.reason === 'PolicyDisabled');
    assert.equal(ready.message, 'Policy is disabled');
    const policy = await getPolicy('remote');
    const event = await waitEvent(env.client, 'default', policy.metadata.uid ?? '', 'GrantsRetained');
    assert.match(event.message ?? '', /Policy disabled: the ResourceGrant it created is kept/);
    await env.client.patch(ORGS, '', 'org-a', 'merge', { metadata: { labels: { touched: 'yes' } } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(await getGrant(env.client, NS, 'remote-org-a'), 'a disabled policy keeps its grants');
  });

  it('keeps the grants of a deleted policy and says so in an Event', async () => {
    const policy = await getPolicy('broken');
    await env.client.delete(RESOURCES.grantPolicies, '', 'broken');
    const event = await waitEvent(env.client, 'default', policy.metadata.uid ?? '', 'GrantsRetained');
    assert.match(event.message ?? '', /Policy deleted/);
    assert.match(event.message ?? '', /quota\.miloapis\.com\/policy=broken/);
    assert.ok(await getGrant(env.client, NS, 'broken-org-a'));
  });

  it('waits for a trigger kind whose CRD is installed after the policy', async () => {
    const policy = makeGrantPolicy('teams');
    policy.spec.trigger.resource = { apiVersion: 'example.dev/v1', kind: 'Team' };
    await env.client.create(RESOURCES.grantPolicies, policy);
    const waiting = await readyWhen(env.client, 'teams', (c) => c.reason === 'ValidationFailed');
    assert.match(
      waiting.message,
      /Team \(example\.dev\/v1\) is not served by the API server: install its CRD/,
    );
    await kubectlOk(plane.current, ['apply', '-f', '-'], JSON.stringify(TEAM_CRD));
    await kubectlOk(plane.current, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/teams.example.dev',
    ]);
    await readyWhen(env.client, 'teams', (c) => c.status === 'True', 20_000);
  });

  it('owns grants of a namespaced trigger only in its namespace, and deletes the others itself', async () => {
    await kubectlOk(plane.current, ['create', 'namespace', 'team-a']);
    await env.client.create(TEAMS, team('team-a', 'red'));
    await env.client.create(TEAMS, team(NS, 'blue'));
    const elsewhere = await waitGrant(env.client, NS, 'teams-red');
    const here = await waitGrant(env.client, NS, 'teams-blue');
    assert.equal(elsewhere.metadata.ownerReferences, undefined, 'GC cannot honour a cross-namespace owner');
    assert.equal(here.metadata.ownerReferences?.[0]?.kind, 'Team');
    assert.equal(here.metadata.ownerReferences?.[0]?.controller, true);
    await env.client.delete(TEAMS, 'team-a', 'red');
    await waitNoGrant(env.client, NS, 'teams-red');
    assert.ok(await getGrant(env.client, NS, 'teams-blue'));
  });

  it('cleans up, after a restart, the grant of a trigger deleted while the operator was down', async () => {
    await env.client.create(TEAMS, team('team-a', 'green'));
    await waitGrant(env.client, NS, 'teams-green');
    const kept = await waitGrant(env.client, NS, 'teams-blue');
    await env.operator.stop();
    await env.client.delete(TEAMS, 'team-a', 'green');
    restarted = await startTestOperator(plane.current, { webhook: false });
    await waitNoGrant(env.client, NS, 'teams-green');
    await policyReady(env.client, 'teams');
    const after = await getGrant(env.client, NS, 'teams-blue');
    assert.equal(
      after?.metadata.resourceVersion,
      kept.metadata.resourceVersion,
      'a restart rewrites nothing',
    );
  });
});

let restarted: RunningOperator | undefined;
after(async () => {
  await restarted?.stop();
});

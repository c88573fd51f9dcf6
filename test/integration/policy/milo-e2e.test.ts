// Milo's quota-grant-creation-policy scenario (reference §7.3), step by step with its own manifests
// (test/fixtures/milo-e2e/quota-grant-creation-policy) and the operator running: exact names, labels,
// ownerReferences, amounts and conditions.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ResourceGrant, ResourceRegistration } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';
import { condition, getGrant, ORGS, policyReady, readyWhen, waitGrant, waitNoGrant } from './support.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const FIXTURES = repoPath('test/fixtures/milo-e2e');
const step = (file: string) => join(FIXTURES, 'quota-grant-creation-policy', file);
const apply = (file: string) => kubectlOk(plane.current, ['apply', '-f', step(file)]);
const NS = 'milo-system';
const RESOURCE_TYPE = 'test.grantpolicy.miloapis.com/projects';
const SCENARIO = 'test.miloapis.com/scenario';

async function activeGrant(namespace: string, name: string): Promise<ResourceGrant> {
  return eventually(`grant ${namespace}/${name} Active`, async () => {
    const grant = await getGrant(env.client, namespace, name);
    return condition(grant, 'Active')?.status === 'True' ? grant : undefined;
  });
}

async function orgUid(name: string): Promise<string> {
  const org = await env.client.get(ORGS, '', name);
  return org.metadata?.uid ?? '';
}

/** Reference §7.3's ownerReference assertion, plus the uid and blockOwnerDeletion we also set. */
async function assertOwnedBy(grant: ResourceGrant, org: string): Promise<void> {
  assert.deepEqual(grant.metadata.ownerReferences, [
    {
      apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
      kind: 'Organization',
      name: org,
      uid: await orgUid(org),
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
}

const amounts = (grant: ResourceGrant) =>
  grant.spec.allowances.map((a) => [a.resourceType, a.buckets.map((b) => b.amount)]);

describe("Milo's quota-grant-creation-policy scenario", () => {
  before(async () => {
    await plane.ready;
    await kubectlOk(plane.current, ['apply', '-f', join(FIXTURES, 'namespaces.yaml')]);
  });

  it('setup: the registration becomes Active and policy A Ready', async () => {
    await apply('00-registration.yaml');
    const reg = await eventually('registration Active', async () => {
      const r = await env.client.get<ResourceRegistration>(
        RESOURCES.registrations,
        '',
        'grant-policy-test-projects-per-org',
      );
      return condition(r, 'Active')?.status === 'True' ? r : undefined;
    });
    assert.equal(reg.spec.resourceType, RESOURCE_TYPE);
    assert.equal(reg.spec.consumerType.kind, 'Organization');
    await apply('01-policy-organization.yaml');
    const ready = await policyReady(env.client, 'test-organization-grant-policy');
    assert.equal(ready.message, 'Policy is ready and active');
  });

  it('1. a Standard Organization of the scenario gets auto-grant-<org> in milo-system', async () => {
    await apply('02-organizations.yaml');
    const grant = await activeGrant(NS, 'auto-grant-grant-policy-test-org');
    const uid = await orgUid('grant-policy-test-org');
    assert.deepEqual(grant.metadata.labels, {
      'quota.miloapis.com/auto-created': 'true',
      'quota.miloapis.com/policy': 'test-organization-grant-policy',
      [SCENARIO]: 'grant-creation-policy',
      'quota.miloapis.com/trigger-uid': uid,
    });
    assert.deepEqual(grant.metadata.annotations, {
      'quota.miloapis.com/description': 'Auto-generated grant for grant-policy-test-org',
    });
    await assertOwnedBy(grant, 'grant-policy-test-org');
    assert.deepEqual(grant.spec.consumerRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'grant-policy-test-org',
    });
    assert.deepEqual(amounts(grant), [[RESOURCE_TYPE, [5]]]);
    const active = condition(grant, 'Active');
    assert.equal(active?.reason, 'GrantActive');
    assert.equal(active?.message, 'ResourceGrant is active');
  });

  it('2. re-applying the unchanged Organization leaves the grant as it was', async () => {
    const before = await activeGrant(NS, 'auto-grant-grant-policy-test-org');
    await apply('02-organizations.yaml');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await activeGrant(NS, 'auto-grant-grant-policy-test-org');
    assert.equal(
      after.metadata.resourceVersion,
      before.metadata.resourceVersion,
      'no write for an unchanged trigger',
    );
    assert.deepEqual(amounts(after), [[RESOURCE_TYPE, [5]]]);
  });

  it('3. premium-test-org gets auto-grant-premium-test-org', async () => {
    const grant = await activeGrant(NS, 'auto-grant-premium-test-org');
    assert.deepEqual(amounts(grant), [[RESOURCE_TYPE, [5]]]);
    assert.equal(grant.metadata.labels?.['quota.miloapis.com/policy'], 'test-organization-grant-policy');
    await assertOwnedBy(grant, 'premium-test-org');
  });

  it('4. policy B names grants by CEL; cel-trigger-org and premium-test-org get a second grant of 20', async () => {
    await apply('03-policy-cel-name.yaml');
    await policyReady(env.client, 'test-cel-name-policy');
    await apply('04-organization-cel-trigger.yaml');
    const grant = await activeGrant(NS, 'premium-grant-cel-trigger-org-standard');
    assert.deepEqual(grant.metadata.labels, {
      'quota.miloapis.com/auto-created': 'true',
      'quota.miloapis.com/policy': 'test-cel-name-policy',
      'quota.miloapis.com/tier': 'standard',
      'quota.miloapis.com/trigger-uid': await orgUid('cel-trigger-org'),
    });
    await assertOwnedBy(grant, 'cel-trigger-org');
    assert.equal(grant.spec.consumerRef.name, 'cel-trigger-org');
    assert.deepEqual(amounts(grant), [[RESOURCE_TYPE, [20]]]);
    // Both policies match these two Organizations: two grants each, by design.
    await activeGrant(NS, 'auto-grant-cel-trigger-org');
    const premium = await activeGrant(NS, 'premium-grant-premium-test-org-standard');
    assert.deepEqual(amounts(premium), [[RESOURCE_TYPE, [20]]]);
    assert.equal(await getGrant(env.client, NS, 'premium-grant-grant-policy-test-org-standard'), undefined);
  });

  it('5. deleting grant-policy-test-org deletes its grant and only its grant', async () => {
    await env.client.delete(ORGS, '', 'grant-policy-test-org');
    await waitNoGrant(env.client, NS, 'auto-grant-grant-policy-test-org');
    await activeGrant(NS, 'auto-grant-premium-test-org');
    await activeGrant(NS, 'premium-grant-cel-trigger-org-standard');
  });

  it('6. the invalid policy is rejected at apply time and policy A stays Ready', async () => {
    const stderr = await kubectlFails(plane.current, [
      'apply',
      '-f',
      step('rejected/invalid-test-policy.yaml'),
    ]);
    assert.match(stderr, /amount/);
    await policyReady(env.client, 'test-organization-grant-policy');
  });

  it('7. prefixed label keys are accepted: the production-style policy is Ready/PolicyReady', async () => {
    await apply('05-policy-production-style-labels.yaml');
    const ready = await readyWhen(
      env.client,
      'test-production-style-labels-policy',
      (c) => c.status === 'True',
    );
    assert.equal(ready.reason, 'PolicyReady');
  });

  it('8. a templated namespace puts the grant in organization-<org>', async () => {
    await apply('06-policy-namespace-template.yaml');
    await policyReady(env.client, 'test-namespace-template-policy');
    await apply('07-organization-namespace-template.yaml');
    const namespace = 'organization-namespace-template-test-org';
    const grant = await activeGrant(namespace, 'grant-namespace-template-test-org-default-org');
    assert.equal(grant.metadata.labels?.['quota.miloapis.com/auto-created'], 'true');
    assert.equal(grant.metadata.labels?.['quota.miloapis.com/policy'], 'test-namespace-template-policy');
    assert.equal(grant.spec.consumerRef.name, 'namespace-template-test-org');
    assert.deepEqual(amounts(grant), [[RESOURCE_TYPE, [5]]]);
    await assertOwnedBy(grant, 'namespace-template-test-org');
    // The scenario label of this Organization matches no other policy.
    assert.equal(await getGrant(env.client, NS, 'auto-grant-namespace-template-test-org'), undefined);
    await waitGrant(env.client, NS, 'auto-grant-premium-test-org');
  });
});

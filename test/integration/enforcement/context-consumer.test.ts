// Milo's shipped Secret and ConfigMap claim policies (no consumerRef: the consumer comes from the request's
// context, upstream 696c4c7e), applied unchanged from test/fixtures/milo-upstream/claim-policies, with the
// operator running against a real apiserver. Here the context is the namespace's labels: the labelled
// Project is charged, its limit holds, and an unmapped namespace is refused naming the label to set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { KubeApiError, kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import {
  enforcementCovers,
  kubectlFails,
  kubectlOk,
  repoPath,
  waitForCondition,
} from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const fixture = (name: string) => repoPath('test/fixtures/milo-upstream/claim-policies', name);
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);
const PROJECT_LABEL = 'resourcemanager.miloapis.com/project-name';
const ORG_LABEL = 'resourcemanager.miloapis.com/organization-name';
const WEB = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'web' };

const grant = `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceGrant
metadata:
  name: web-core
  namespace: quota-system
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Project, name: web}
  allowances:
    - resourceType: core.miloapis.com/secrets
      buckets: [{amount: 2}]
    - resourceType: core.miloapis.com/configmaps
      buckets: [{amount: 1}]
`;

async function claimIn(namespace: string, name: string): Promise<ResourceClaim> {
  return kubeRequest<ResourceClaim>(env.client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, namespace, name),
  });
}

async function claimNames(namespace: string): Promise<string[]> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(env.client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, namespace),
  });
  return list.items.map((c) => c.metadata.name ?? '').sort();
}

describe("Milo's Secret and ConfigMap claim policies charge the namespace's Project", () => {
  it('become Ready without a consumerRef, and the webhook covers Secrets and ConfigMaps', async () => {
    await kubectl('apply', '-f', fixture('registrations.yaml'));
    await waitForCondition(plane.current, 'Active', [
      'resourceregistrations.quota.miloapis.com/secrets-per-project',
      'resourceregistrations.quota.miloapis.com/configmaps-per-project',
    ]);
    await kubectl('apply', '-f', fixture('secret-claim-policy.yaml'));
    await kubectl('apply', '-f', fixture('configmap-claim-policy.yaml'));
    await waitForCondition(plane.current, 'Ready', [
      'claimcreationpolicies.quota.miloapis.com/project-secret-claim-policy',
      'claimcreationpolicies.quota.miloapis.com/project-configmap-claim-policy',
    ]);
    await enforcementCovers(plane.current, ['secrets', 'configmaps']);
    await kubectl('create', 'namespace', 'web');
    await kubectl('label', 'namespace', 'web', `${PROJECT_LABEL}=web`, `${ORG_LABEL}=acme`);
    await kubectl('create', 'namespace', 'unmapped');
    await kubectl('create', 'namespace', 'acme-only');
    await kubectl('label', 'namespace', 'acme-only', `${ORG_LABEL}=acme`);
    await kubectlOk(plane.current, ['apply', '-f', '-'], grant);
    await waitForCondition(
      plane.current,
      'Active',
      ['resourcegrants.quota.miloapis.com/web-core'],
      'quota-system',
    );
  });

  it('charges Project web (its label wins over the Organization label) for each Secret, up to 2', async () => {
    await kubectl('create', 'secret', 'generic', 'one', '-n', 'web', '--from-literal=k=v');
    await kubectl('create', 'secret', 'generic', 'two', '-n', 'web', '--from-literal=k=v');
    for (const name of ['one', 'two']) {
      const claim = await eventually(`claim secret-${name} granted`, async () => {
        const c = await claimIn('web', `secret-${name}`);
        return c.status?.conditions?.some((x) => x.type === 'Granted' && x.status === 'True') ? c : undefined;
      });
      assert.deepEqual(claim.spec.consumerRef, WEB);
      assert.deepEqual(claim.spec.requests, [{ resourceType: 'core.miloapis.com/secrets', amount: 1 }]);
      assert.deepEqual(claim.spec.resourceRef, { kind: 'Secret', name, namespace: 'web' });
      assert.equal(claim.metadata.labels?.['app.kubernetes.io/component'], 'quota-system');
    }
    const stderr = await kubectlFails(plane.current, [
      'create',
      'secret',
      'generic',
      'three',
      '-n',
      'web',
      '--from-literal=k=v',
    ]);
    assert.match(
      stderr,
      /You've reached your quota for this resource type \(Insufficient quota resources available: core\.miloapis\.com\/secrets: requested 1, limit 2, allocated 2, available 0 \(consumer resourcemanager\.miloapis\.com\/Project web, policy project-secret-claim-policy\)\)\. Delete unused resources to free up capacity, or contact support to request a higher limit\./,
    );
    assert.deepEqual(await claimNames('web'), ['secret-one', 'secret-two']);
  });

  it('keeps ConfigMaps to their own limit of 1, refused as a 403 Forbidden for machines', async () => {
    await kubectl('create', 'configmap', 'settings', '-n', 'web', '--from-literal=k=v');
    const refused = await kubeRequest(env.client.kubeConfig, {
      method: 'POST',
      path: '/api/v1/namespaces/web/configmaps',
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'more' }, data: { k: 'v' } },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(refused instanceof KubeApiError, String(refused));
    assert.equal(refused.status, 403);
    assert.equal(refused.reason, 'Forbidden');
    assert.match(refused.message, /core\.miloapis\.com\/configmaps: requested 1, limit 1, allocated 1/);
  });

  it('refuses a create in an unmapped namespace, naming the label to set, and claims nothing', async () => {
    const stderr = await kubectlFails(plane.current, [
      'create',
      'secret',
      'generic',
      'stray',
      '-n',
      'unmapped',
      '--from-literal=k=v',
    ]);
    assert.match(
      stderr,
      /Quota enforcement for this resource type is misconfigured and can't be applied\. This needs a fix from the service provider — please contact support\. ClaimCreationPolicy project-secret-claim-policy names no consumerRef, so the consumer comes from the request's context, and namespace unmapped is not mapped to a consumer/,
    );
    assert.match(
      stderr,
      /kubectl label namespace unmapped resourcemanager\.miloapis\.com\/project-name=<Project name>/,
    );
    assert.deepEqual(await claimNames('unmapped'), []);
  });

  it('refuses a namespace mapped to a consumer of the wrong type (an Organization for per-Project quota)', async () => {
    const stderr = await kubectlFails(plane.current, [
      'create',
      'secret',
      'generic',
      'org-secret',
      '-n',
      'acme-only',
      '--from-literal=k=v',
    ]);
    assert.match(stderr, /Quota enforcement for this resource type is misconfigured/);
    assert.match(
      stderr,
      /consumer type mismatch for resource type core\.miloapis\.com\/secrets: expected resourcemanager\.miloapis\.com\/Project, got resourcemanager\.miloapis\.com\/Organization/,
    );
    assert.deepEqual(await claimNames('acme-only'), []);
  });

  it("counts the refusals by Milo's outcome: denied apart from policy_misconfigured", async () => {
    const metric = await env.operator.manager.registry.getSingleMetric('milo_quota_admission_result_total');
    const values = (await metric?.get())?.values ?? [];
    const count = (result: string) =>
      values
        .filter((v) => v.labels.result === result && v.labels.policy_name === 'project-secret-claim-policy')
        .reduce((sum, v) => sum + v.value, 0);
    assert.deepEqual(
      { denied: count('denied'), misconfigured: count('policy_misconfigured'), granted: count('granted') },
      { denied: 1, misconfigured: 2, granted: 2 },
    );
    // Milo's label names (pkg/quota/admission/plugin.go), policy_namespace "" as in Milo
    for (const v of values) {
      assert.deepEqual(Object.keys(v.labels).sort(), [
        'policy_name',
        'policy_namespace',
        'resource_group',
        'resource_kind',
        'result',
      ]);
      assert.equal(v.labels.policy_namespace, '');
    }
  });

  it('resolves as soon as an administrator maps the namespace: its creates count against Project web', async () => {
    await kubectl('label', 'namespace', 'unmapped', `${PROJECT_LABEL}=web`);
    const stderr = await kubectlFails(plane.current, [
      'create',
      'configmap',
      'late',
      '-n',
      'unmapped',
      '--from-literal=k=v',
    ]);
    assert.match(
      stderr,
      /core\.miloapis\.com\/configmaps: requested 1, limit 1, allocated 1, available 0 \(consumer resourcemanager\.miloapis\.com\/Project web/,
    );
  });
});

// Milo's ClusterNote policy, on a cluster-scoped kind served here (the demo Project): no consumerRef, and a
// namespace that renders empty, so the claim goes to --cluster-scoped-claim-namespace (the operator's,
// quota-system, in tests) and that namespace's labels name the consumer.
const clusterScopedPolicy = `apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata: {name: project-context-claim-policy}
spec:
  trigger:
    resource: {apiVersion: resourcemanager.miloapis.com/v1alpha1, kind: Project}
  target:
    resourceClaimTemplate:
      metadata:
        name: "project-{{ trigger.metadata.name }}"
        namespace: "{{requestInfo.namespace}}"
      spec:
        requests: [{resourceType: example.com/context-projects, amount: 1}]
`;
const project = (name: string) => `apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Project
metadata: {name: ${name}}
spec:
  ownerRef: {kind: Organization, name: whoever}
`;

describe('a cluster-scoped trigger charges the consumer of its claim namespace', () => {
  it('is refused while the claim namespace is unmapped, naming it', async () => {
    const registration = `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceRegistration
metadata: {name: context-projects}
spec:
  consumerType: {apiGroup: resourcemanager.miloapis.com, kind: Organization}
  type: Entity
  resourceType: example.com/context-projects
  baseUnit: project
  displayUnit: projects
  unitConversionFactor: 1
  claimingResources: [{apiGroup: resourcemanager.miloapis.com, kind: Project}]
`;
    await kubectlOk(plane.current, ['apply', '-f', '-'], registration);
    await waitForCondition(plane.current, 'Active', ['resourceregistrations/context-projects']);
    await kubectlOk(plane.current, ['apply', '-f', '-'], clusterScopedPolicy);
    await waitForCondition(plane.current, 'Ready', ['claimcreationpolicies/project-context-claim-policy']);
    await enforcementCovers(plane.current, ['projects']);
    const stderr = await kubectlFails(plane.current, ['apply', '-f', '-'], project('first'));
    assert.match(
      stderr,
      /misconfigured.*ClaimCreationPolicy project-context-claim-policy names no consumerRef, so the consumer comes from the request's context, and namespace quota-system is not mapped to a consumer/,
    );
  });

  it('charges the Organization the claim namespace is labelled with, up to its limit', async () => {
    await kubectl('label', 'namespace', 'quota-system', `${ORG_LABEL}=acme`);
    const orgGrant = `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceGrant
metadata: {name: acme-context-projects, namespace: quota-system}
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Organization, name: acme}
  allowances: [{resourceType: example.com/context-projects, buckets: [{amount: 1}]}]
`;
    await kubectlOk(plane.current, ['apply', '-f', '-'], orgGrant);
    await waitForCondition(plane.current, 'Active', ['resourcegrants/acme-context-projects'], 'quota-system');
    await kubectlOk(plane.current, ['apply', '-f', '-'], project('first'));
    const claim = await claimIn('quota-system', 'project-first');
    assert.deepEqual(claim.spec.consumerRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'acme',
    });
    assert.deepEqual(claim.spec.resourceRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Project',
      name: 'first',
    });
    const stderr = await kubectlFails(plane.current, ['apply', '-f', '-'], project('second'));
    assert.match(
      stderr,
      /example\.com\/context-projects: requested 1, limit 1, allocated 1, available 0 \(consumer resourcemanager\.miloapis\.com\/Organization acme, policy project-context-claim-policy\)/,
    );
  });
});

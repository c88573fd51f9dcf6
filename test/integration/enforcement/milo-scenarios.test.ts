// Admission enforcement with kubectl against a real apiserver and the operator running: Milo's
// quota-core-functionality and quota-enforcement-edge-cases scenarios (reference §7.1, §7.2) with their exact
// names, plus what SPEC §6 adds (figures in the refusal, dry-run, no claim left behind).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const fixture = (...parts: string[]) => repoPath('test/fixtures/milo-e2e', ...parts);
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);
const ORG_NS = 'organization-core-test-basic-quota-org';

async function claimsIn(namespace: string): Promise<ResourceClaim[]> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(env.client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, namespace),
  });
  return list.items;
}

async function waitReady(kind: string, name: string, condition: string): Promise<void> {
  await kubectl(
    'wait',
    `--for=condition=${condition}`,
    '--timeout=60s',
    `${kind}.quota.miloapis.com/${name}`,
  );
}

describe('quota-core-functionality (Milo §7.1)', () => {
  it('sets up the registration, the claim policy, the Organization and a grant of 2', async () => {
    await kubectl('apply', '-f', fixture('namespaces.yaml'));
    await kubectl('apply', '-f', fixture('quota-core-functionality/00-registration.yaml'));
    await waitReady('resourceregistration', 'core-test-projects-per-org', 'Active');
    await kubectl('apply', '-f', fixture('quota-core-functionality/01-claim-policy.yaml'));
    await waitReady('claimcreationpolicy', 'core-test-project-quota-policy', 'Ready');
    await kubectl('apply', '-f', fixture('quota-core-functionality/02-organization.yaml'));
    await kubectl('apply', '-f', fixture('quota-core-functionality/03-grant.yaml'));
    await kubectl(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      '-n',
      ORG_NS,
      'resourcegrant.quota.miloapis.com/core-test-basic-quota-org-grant',
    );
  });

  it('admits two Projects, each with a granted, owned claim', async () => {
    await kubectl('apply', '-f', fixture('quota-core-functionality/04-projects.yaml'));
    const claims = await eventually('two claims owned by their Projects', async () => {
      const items = await claimsIn(ORG_NS);
      return items.length === 2 && items.every((c) => (c.metadata.ownerReferences ?? []).length === 1)
        ? items
        : undefined;
    });
    for (const claim of claims) {
      const project = claim.spec.resourceRef?.name ?? '';
      assert.match(project, /^core-test-basic-project-[12]$/);
      assert.equal(claim.metadata.labels?.['quota.miloapis.com/auto-created'], 'true');
      assert.equal(claim.metadata.labels?.['quota.miloapis.com/test'], 'true');
      assert.deepEqual(claim.metadata.ownerReferences, [
        {
          apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
          kind: 'Project',
          name: project,
          uid: claim.metadata.ownerReferences?.[0]?.uid,
          controller: false,
          blockOwnerDeletion: false,
        },
      ]);
      assert.deepEqual(claim.spec.consumerRef, {
        apiGroup: 'resourcemanager.miloapis.com',
        kind: 'Organization',
        name: 'core-test-basic-quota-org',
      });
      assert.deepEqual(claim.spec.requests, [
        { resourceType: 'test.corefunction.miloapis.com/projects', amount: 1 },
      ]);
      assert.deepEqual(claim.spec.resourceRef, {
        apiGroup: 'resourcemanager.miloapis.com',
        kind: 'Project',
        name: project,
      });
      const granted = claim.status?.conditions?.find((c) => c.type === 'Granted');
      assert.deepEqual(
        [granted?.status, granted?.reason, granted?.message],
        ['True', 'QuotaAvailable', 'All 1 resource requests have been granted'],
      );
    }
  });

  it('refuses the third Project with the figures, and leaves no claim for it', async () => {
    const stderr = await kubectlFails(plane.current, [
      'apply',
      '-f',
      fixture('quota-core-functionality/05-exceeding-project.yaml'),
    ]);
    assert.match(stderr, /Insufficient quota resources available/);
    assert.match(
      stderr,
      /test\.corefunction\.miloapis\.com\/projects: requested 1, limit 2, allocated 2, available 0/,
    );
    assert.match(stderr, /Organization core-test-basic-quota-org/);
    assert.match(stderr, /policy core-test-project-quota-policy/);
    const left = (await claimsIn(ORG_NS)).filter(
      (c) => c.spec.resourceRef?.name === 'core-test-exceeds-project-1',
    );
    assert.deepEqual(left, []);
    const project = await plane.current.kubectl(['get', 'project', 'core-test-exceeds-project-1']);
    assert.notEqual(project.code, 0, 'the refused Project does not exist');
  });

  it('refuses a server-side dry-run over quota and writes no claim', async () => {
    const before = (await claimsIn(ORG_NS)).length;
    const stderr = await kubectlFails(plane.current, [
      'create',
      '--dry-run=server',
      '-f',
      fixture('quota-core-functionality/05-exceeding-project.yaml'),
    ]);
    assert.match(stderr, /Insufficient quota resources available/);
    assert.equal((await claimsIn(ORG_NS)).length, before);
  });

  it('frees quota when a Project is deleted, and admits a new one', async () => {
    await kubectl('delete', 'project', 'core-test-basic-project-1', '--wait=true');
    await eventually(
      "the deleted Project's claim to be collected",
      async () => (await claimsIn(ORG_NS)).length === 1,
      90_000,
      250,
    );
    await kubectl('apply', '-f', fixture('quota-core-functionality/05-exceeding-project.yaml'));
    await kubectl(
      'delete',
      'project',
      'core-test-basic-project-2',
      'core-test-exceeds-project-1',
      '--wait=true',
    );
    await eventually('every claim collected', async () => (await claimsIn(ORG_NS)).length === 0, 90_000, 250);
  });
});

describe('quota-enforcement-edge-cases (Milo §7.2)', () => {
  it('refuses zero and negative claim amounts, accepts a policy for an unknown type and marks it not Ready', async () => {
    const edge = (file: string) => fixture('quota-enforcement-edge-cases', file);
    await kubectl('apply', '-f', edge('00-registration.yaml'));
    await kubectl('apply', '-f', edge('01-claim-policy.yaml'));
    await kubectl('apply', '-f', edge('02-organization.yaml'));
    await kubectl('apply', '-f', edge('03-grant.yaml'));
    for (const file of ['zero-amount-claim.yaml', 'negative-amount-claim.yaml']) {
      const stderr = await kubectlFails(plane.current, ['apply', '-f', edge(`rejected/${file}`)]);
      assert.match(stderr, /amount/);
    }
    await kubectl('apply', '-f', edge('04-policy-missing-resource.yaml'));
    await eventually('the policy to be Ready=False/ValidationFailed', async () => {
      const out = await kubectl(
        'get',
        'claimcreationpolicy.quota.miloapis.com/test-invalid-missing-resource-policy',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].reason}',
      );
      return out === 'ValidationFailed';
    });
  });
});

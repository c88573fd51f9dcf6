// GrantCreationPolicy parentContext with --parent-context=members (docs/multicluster.md), on two real control
// planes: the quota cluster runs the operator; the member is a second apiserver, registered by an Argo CD
// cluster Secret. Upstream's multi-cluster-enforcement policy (Project trigger, parentContext Project
// `trigger.metadata.name`): with no member for the Project there is no grant and ParentContextReady says which
// Secret to register; registering member p1 while the operator runs creates the grant in the quota cluster,
// labelled with the member; deleting the Project removes it. No controller-manager runs, so the removal is the
// engine's own (no ownerReference garbage collection).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type GrantCreationPolicy,
  LABEL_MEMBER_CLUSTER,
  LABEL_TRIGGER_UID,
  type ResourceGrant,
} from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { SECRETS } from '../../../src/controllers/members/registry.ts';
import { isNotFound, type KubeObject, type ResourceRef } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { MEMBER_NAMESPACE, memberSecret } from '../../support/members.ts';
import { useOperator } from '../../support/operator.ts';

const quota = useControlPlane({ controllerManager: false });
const member = useControlPlane({ controllerManager: false });
const env = useOperator(quota, { parentContext: 'members', namespace: MEMBER_NAMESPACE });
const step = (file: string) => repoPath('test/fixtures/milo-upstream/multi-cluster-enforcement', file);
const admin = (...args: string[]) => kubectlOk(quota.current, args);
const POLICY = 'mc-test-project-secret-grant-policy';
const PROJECT = 'mc-test-project-1';
const GRANT = `auto-grant-${PROJECT}`;
const PROJECTS: ResourceRef = {
  group: 'resourcemanager.miloapis.com',
  version: 'v1alpha1',
  plural: 'projects',
  namespaced: false,
  kind: 'Project',
};

const parentCondition = async () => {
  const policy = await env.client.get<GrantCreationPolicy>(RESOURCES.grantPolicies, '', POLICY);
  return policy.status?.conditions?.find((c) => c.type === 'ParentContextReady');
};
const grant = async (): Promise<ResourceGrant | undefined> => {
  try {
    return await env.client.get<ResourceGrant>(RESOURCES.grants, 'milo-system', GRANT);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
};

describe('GrantCreationPolicy parentContext with --parent-context=members', () => {
  it('creates no grant while no member stands for the Project, and says which Secret to register', async () => {
    await admin('apply', '-f', step('namespaces.yaml'));
    await admin('apply', '-f', step('01-resource-registration.yaml'));
    await admin(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistration.quota.miloapis.com/mc-test-secrets-per-project',
    );
    await admin('apply', '-f', step('02-grant-creation-policy.yaml'));
    await admin(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      `grantcreationpolicy.quota.miloapis.com/${POLICY}`,
    );
    await admin('apply', '-f', step('03-test-organization.yaml'));
    await admin('apply', '-f', step('test-data/project-1.yaml'));
    const pending = await eventually('ParentContextReady=False/ParentContextNotFound', async () => {
      const c = await parentCondition();
      return c?.status === 'False' && c.reason === 'ParentContextNotFound' && c.message.includes(PROJECT)
        ? c
        : undefined;
    });
    assert.match(
      pending.message,
      /1 of 1 matching triggers .*resourcemanager\.miloapis\.com\/Project mc-test-project-1 is not a registered member: register a member Secret with labels quota\.miloapis\.com\/member=true and resourcemanager\.miloapis\.com\/project-name=mc-test-project-1/,
    );
    // the engine has processed the Project (its ParentContextReady says so) and still made nothing
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await grant(), undefined, 'no grant before a member stands for the Project');
  });

  it('creates the grant in the quota cluster once member p1 is registered, without a restart', async () => {
    await env.client.create(SECRETS, memberSecret(PROJECT, member.current));
    const created = await eventually(`ResourceGrant milo-system/${GRANT}`, grant, 60_000);
    const project = await env.client.get<KubeObject>(PROJECTS, '', PROJECT);
    assert.equal(created.metadata.labels?.[LABEL_MEMBER_CLUSTER], PROJECT);
    assert.equal(created.metadata.labels?.[LABEL_TRIGGER_UID], project.metadata?.uid);
    assert.equal(created.metadata.ownerReferences, undefined, 'no ownerReference: the engine removes it');
    assert.deepEqual(created.spec.consumerRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Project',
      name: PROJECT,
    });
    const ready = await eventually('ParentContextReady=True/ParentContextResolved', async () => {
      const c = await parentCondition();
      return c?.status === 'True' && c.reason === 'ParentContextResolved' ? c : undefined;
    });
    assert.match(ready.message, /every matching trigger \(1\) is a registered member/);
  });

  it('keeps the grant when the member Secret goes (ParentContextReady says so), and resolves again when it is back', async () => {
    const before = await grant();
    assert.ok(before);
    await env.client.delete(SECRETS, MEMBER_NAMESPACE, `member-${PROJECT}`);
    await eventually('ParentContextReady=False after the member went', async () => {
      const c = await parentCondition();
      return c?.status === 'False' && c.reason === 'ParentContextNotFound';
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal((await grant())?.metadata.uid, before.metadata.uid, 'the same grant, kept');
    await env.client.create(SECRETS, memberSecret(PROJECT, member.current));
    await eventually(
      'ParentContextReady=True again',
      async () => (await parentCondition())?.status === 'True',
    );
  });

  it('removes the grant when the Project stops matching, and makes it again when it matches', async () => {
    await admin('label', 'project', PROJECT, 'test.miloapis.com/quota-');
    await eventually('the grant to be deleted', async () => (await grant()) === undefined, 60_000);
    await admin('label', 'project', PROJECT, 'test.miloapis.com/quota=multicluster');
    const again = await eventually('the grant to be made again', grant, 60_000);
    assert.equal(again.metadata.labels?.[LABEL_MEMBER_CLUSTER], PROJECT);
  });

  it('removes the grant when the Project is deleted (no garbage collector runs here)', async () => {
    assert.ok(await grant(), 'the grant exists before the Project goes');
    await env.client.delete(PROJECTS, '', PROJECT);
    await eventually('the grant to be deleted', async () => (await grant()) === undefined, 60_000);
    const c = await parentCondition();
    assert.deepEqual([c?.status, c?.reason], ['True', 'ParentContextResolved']);
  });
});

// The operator's ServiceAccount is trusted: its own claim creates skip the claim webhook (own-claim-skip.test.ts)
// and it alone writes claim status and buckets. A tenant who could act as it, by running a pod under it,
// minting a token for it, impersonating it, or changing its Deployment or RBAC, would get around quota. Here a
// tenant holds every role this project ships except the operator's own (bound in her namespace, and the
// cluster-wide bindings the manifests make for everyone), and none of those ways is open to her.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAll } from 'js-yaml';
import type { KubeObject } from '../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { kubectlOk, repoPath } from '../support/kube.ts';

const plane = useControlPlane();
const NS = 'quota-system';
const OPERATOR = 'milo-quota-operator';
const TENANT = 'mallory';
const TENANT_NS = 'mallory-ns';
const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding']);

/** The shipped deployment's RBAC objects, as `kubectl apply -k config/default` would create them. */
async function shippedRbac(): Promise<KubeObject[]> {
  const rendered = await kubectlOk(plane.current, ['kustomize', repoPath('config/default')]);
  return (loadAll(rendered) as KubeObject[]).filter((o) => RBAC_KINDS.has(o.kind ?? ''));
}

const canI = async (...args: string[]): Promise<string> =>
  (
    await plane.current.kubectl([
      'auth',
      'can-i',
      ...args,
      `--as=${TENANT}`,
      '--as-group=system:authenticated',
    ])
  ).stdout.trim();

describe("a tenant cannot act as the operator's ServiceAccount", () => {
  it('holds every shipped tenant-facing role in her namespace', async () => {
    const objects = await shippedRbac();
    await kubectlOk(plane.current, ['create', 'namespace', NS]);
    await kubectlOk(plane.current, ['create', 'namespace', TENANT_NS]);
    await kubectlOk(plane.current, ['apply', '-f', '-'], objects.map((o) => JSON.stringify(o)).join('\n'));
    const roles = objects
      .filter((o) => o.kind === 'ClusterRole' && o.metadata?.name !== OPERATOR)
      .map((o) => o.metadata?.name ?? '');
    assert.ok(roles.length >= 3, `the shipped tenant roles: ${roles.join(', ')}`);
    for (const role of [...roles, 'admin']) {
      await kubectlOk(plane.current, [
        'create',
        'rolebinding',
        `${TENANT}-${role}`,
        `--clusterrole=${role}`,
        `--user=${TENANT}`,
        '-n',
        TENANT_NS,
      ]);
    }
    await eventually('the admin role to reach her', async () => {
      return (await canI('create', 'rolebindings.rbac.authorization.k8s.io', '-n', TENANT_NS)) === 'yes';
    });
  });

  const refused: readonly (readonly string[])[] = [
    ['create', 'pods', '-n', NS],
    ['create', 'pods/exec', '-n', NS],
    ['create', 'serviceaccounts/token', '-n', NS],
    ['create', `serviceaccounts/${OPERATOR}`, '--subresource=token', '-n', NS],
    ['impersonate', `serviceaccounts/${OPERATOR}`, '-n', NS],
    ['impersonate', 'users/system:serviceaccount:quota-system:milo-quota-operator'],
    ['get', 'secrets', '-n', NS],
    ['patch', 'deployments.apps', '-n', NS],
    ['create', 'deployments.apps', '-n', NS],
    ['create', 'rolebindings.rbac.authorization.k8s.io', '-n', NS],
    ['create', 'clusterrolebindings.rbac.authorization.k8s.io'],
    ['bind', `clusterroles.rbac.authorization.k8s.io/${OPERATOR}`],
    ['escalate', 'clusterroles.rbac.authorization.k8s.io'],
    ['patch', 'validatingwebhookconfigurations.admissionregistration.k8s.io'],
    ['update', 'leases.coordination.k8s.io', '-n', NS],
    ['patch', 'resourceclaims.quota.miloapis.com', '--subresource=status', '-n', TENANT_NS],
    ['patch', 'allowancebuckets.quota.miloapis.com', '--subresource=status', '-n', NS],
    ['create', 'resourcegrants.quota.miloapis.com', '-n', NS],
  ];
  for (const args of refused) {
    it(`may not ${args.join(' ')}`, async () => {
      assert.equal(await canI(...args), 'no');
    });
  }

  it('control: may do the same in her own namespace where her roles allow it', async () => {
    assert.equal(await canI('create', 'pods', '-n', TENANT_NS), 'yes');
    assert.equal(await canI('create', 'serviceaccounts/token', '-n', TENANT_NS), 'yes');
  });
});

// What every security test checks after an attack, and the tenant it plays: a user with only the roles this
// project ships for tenants (config/rbac/user_roles.yaml, folded into Kubernetes' view/edit/admin) plus what
// a platform gives them for their own objects, acting through `kubectl --as`.
import assert from 'node:assert/strict';
import {
  type AllowanceBucket,
  LABEL_POLICY,
  LABEL_RESOURCE_UID,
  type ResourceClaim,
} from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane, KubectlResult } from '../../src/envtest/index.ts';
import { formatConsumerKey } from '../../src/quota/index.ts';
import {
  type KubeClient,
  type KubeObject,
  kubeRequest,
  type ResourceRef,
  resourcePath,
} from '../../src/runtime/index.ts';
import { eventually } from '../support/cluster.ts';
import { kubectlOk, repoPath } from '../support/kube.ts';

/** kubectl as `user` (impersonation by the admin kubeconfig, as `kubectl --as` does for a real admin). */
export function kubectlAs(
  plane: ControlPlane,
  user: string,
  args: readonly string[],
  input?: string,
): Promise<KubectlResult> {
  return plane.kubectl([`--as=${user}`, ...args], input === undefined ? {} : { input });
}

/** The shipped user roles, and `user` bound to `edit` in `namespace`; resolves once aggregation has run. */
export async function makeTenant(plane: ControlPlane, user: string, namespace: string): Promise<void> {
  await kubectlOk(plane, ['apply', '-f', repoPath('config/rbac/user_roles.yaml')]);
  await kubectlOk(plane, ['create', 'namespace', namespace]);
  await kubectlOk(plane, [
    'create',
    'rolebinding',
    `${user}-edit`,
    '--clusterrole=edit',
    `--user=${user}`,
    '-n',
    namespace,
  ]);
  await eventually(`${user} to hold the aggregated edit role`, async () => {
    const r = await plane.kubectl([
      'auth',
      'can-i',
      'delete',
      'resourceclaims.quota.miloapis.com',
      '-n',
      namespace,
      `--as=${user}`,
    ]);
    return r.stdout.trim() === 'yes';
  });
}

const list = async <T>(client: KubeClient, path: string): Promise<T[]> =>
  (await kubeRequest<{ items: T[] }>(client.kubeConfig, { method: 'GET', path })).items;

const grantedAmount = (claim: ResourceClaim, resourceType: string) =>
  (claim.status?.allocations ?? [])
    .filter((a) => a.status === 'Granted' && a.resourceType === resourceType)
    .reduce((sum, a) => sum + (a.allocatedAmount ?? 0), 0);

const isGranted = (claim: ResourceClaim) =>
  claim.spec.requests.every((r) => grantedAmount(claim, r.resourceType) > 0);

/** The demo Project kind (config/samples/resourcemanager), as the invariants list it. */
export const PROJECTS: ResourceRef = {
  group: 'resourcemanager.miloapis.com',
  version: 'v1alpha1',
  plural: 'projects',
  namespaced: false,
  kind: 'Project',
};

export interface EnforcedKind {
  readonly resource: ResourceRef;
  /** The namespace to list (cluster-scoped kinds: ''). */
  readonly namespace: string;
  /** The ClaimCreationPolicy charging it. */
  readonly policy: string;
}

/**
 * SPEC §12's invariants, once the operator has settled: every existing object of each enforced kind has
 * exactly one Granted claim of its policy for its uid, and every bucket's allocated equals the sum of the
 * Granted claims of its consumer and resource type.
 */
export async function assertQuotaInvariants(
  client: KubeClient,
  kinds: readonly EnforcedKind[],
): Promise<void> {
  await eventually(
    'every enforced object to have one Granted claim and every bucket to equal its claims',
    async () => {
      const claims = await list<ResourceClaim>(client, resourcePath(RESOURCES.claims, ''));
      for (const kind of kinds) {
        const objects = await list<KubeObject>(client, resourcePath(kind.resource, kind.namespace));
        for (const object of objects) {
          const uid = object.metadata?.uid ?? '';
          const paying = claims.filter(
            (c) =>
              c.metadata.labels?.[LABEL_RESOURCE_UID] === uid &&
              c.metadata.labels?.[LABEL_POLICY] === kind.policy,
          );
          assert.equal(
            paying.filter(isGranted).length,
            1,
            `${kind.resource.kind} ${object.metadata?.name} (uid ${uid}) has ${paying.length} claims: ${JSON.stringify(paying.map((c) => c.status?.allocations))}`,
          );
        }
      }
      const buckets = await list<AllowanceBucket>(client, resourcePath(RESOURCES.buckets, ''));
      for (const bucket of buckets) {
        const key = formatConsumerKey(bucket.spec.consumerRef);
        const sum = claims
          .filter((c) => c.spec.consumerRef !== undefined && formatConsumerKey(c.spec.consumerRef) === key)
          .reduce((total, c) => total + grantedAmount(c, bucket.spec.resourceType), 0);
        assert.equal(bucket.status?.allocated ?? 0, sum, `bucket of ${key} ${bucket.spec.resourceType}`);
      }
      return true;
    },
    30_000,
    250,
  );
}

/** Every Project claims one example.com/projects from the Organization in spec.ownerRef. */
export const projectsPolicy = (namespace: string) => `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata: {name: projects-policy}
spec:
  trigger:
    resource: {apiVersion: resourcemanager.miloapis.com/v1alpha1, kind: Project}
  target:
    resourceClaimTemplate:
      metadata: {name: "project-{{trigger.metadata.name}}", namespace: ${namespace}}
      spec:
        consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Organization, name: "{{trigger.spec.ownerRef.name}}"}
        requests: [{resourceType: example.com/projects, amount: 1}]
`;

/** What a tenant's platform lets `user` do with Projects (not a quota role). */
export const platformProjects = (user: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: platform-projects}
rules:
  - apiGroups: [resourcemanager.miloapis.com]
    resources: [projects]
    verbs: [get, list, watch, create, update, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${user}-projects}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: platform-projects}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${user}}]
`;

/** A platform admin's grant: `user` may charge (verb claim) Organization `org`, and no other. */
export const claimOrganizationRole = (user: string, org: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: claim-${org}}
rules: [{apiGroups: [resourcemanager.miloapis.com], resources: [organizations], resourceNames: [${org}], verbs: [claim]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ${user}-claims-${org}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: claim-${org}}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${user}}]
`;

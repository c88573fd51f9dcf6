// Upstream's multi-cluster-enforcement scenario on three real control planes (issue #18, steps 1–8): one
// quota cluster runs the operator with --enable-members and --parent-context=members; members p1 and p2 are
// apiservers of their own, reached only with config/member's least-privilege token, whose Secrets are charged
// to their Projects through the operator's webhook, at a path per member that only that member's apiserver may
// call. Upstream's registration, GrantCreationPolicy (parentContext Project) and ClaimCreationPolicy (no
// consumerRef) are applied unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AllowanceBucket,
  ANNOTATION_WEBHOOK_CLIENT_NAME,
  LABEL_MEMBER_CLUSTER,
  type ResourceClaim,
  type ResourceGrant,
} from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { MEMBER_SERVICE_ACCOUNT } from '../../../src/cli/member.ts';
import { MEMBER_WEBHOOK_CONFIGURATION } from '../../../src/controllers/members/member-webhooks.ts';
import { ANNOTATION_MEMBER_STATE, SECRETS } from '../../../src/controllers/members/registry.ts';
import { type ControlPlane, WEBHOOK_CLIENT_NAME } from '../../../src/envtest/index.ts';
import { type KubeObject, kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { httpsRequest } from '../../../src/webhook/testing.ts';
import { makeGrant } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath, waitForCondition } from '../../support/kube.ts';
import { memberWithLeastPrivilege, sideDoorApiserver } from '../../support/members.ts';
import { useOperator } from '../../support/operator.ts';

const quota = useControlPlane({ controllerManager: false });
const p1 = useControlPlane({ controllerManager: false });
const p2 = useControlPlane({ controllerManager: false });
// a short orphan grace, so step 7 can wait past it while p2 is down
const ORPHAN_GRACE_S = 10;
const env = useOperator(quota, {
  members: { webhookHost: '127.0.0.1' },
  parentContext: 'members',
  orphanGracePeriodSeconds: ORPHAN_GRACE_S,
});
const step = (file: string) => repoPath('test/fixtures/milo-upstream/multi-cluster-enforcement', file);
const TYPE = 'test.multicluster.miloapis.com/secrets';
const ORG_TYPE = 'test.multicluster.miloapis.com/org-secrets';
const ORG_LABEL = 'resourcemanager.miloapis.com/organization-name';
const project = (name: string) => ({ apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name });

const secret = (plane: ControlPlane, name: string) =>
  plane.kubectl(['create', 'secret', 'generic', name, '-n', 'default', `--from-literal=k=${name}`]);

async function claimsOf(member: string): Promise<ResourceClaim[]> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(quota.current.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, `quota-member-${member}`),
  });
  return list.items;
}

async function bucketOf(consumer: string, type: string): Promise<AllowanceBucket | undefined> {
  const list = await kubeRequest<{ items: AllowanceBucket[] }>(quota.current.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.buckets),
  });
  return list.items.find((b) => b.spec.consumerRef.name === consumer && b.spec.resourceType === type);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const allocated = async (consumer: string, type: string) =>
  (await bucketOf(consumer, type))?.status?.allocated;

/** A Project of upstream's scenario (test-data/project-1.yaml, under another name). */
const projectManifest = (name: string) => `apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Project
metadata:
  name: ${name}
  labels: { test.miloapis.com/quota: multicluster }
spec:
  ownerRef: { kind: Organization, name: mc-test-org }
`;

const memberWebhookConfiguration = (plane: ControlPlane) =>
  plane.kubectl(['get', 'validatingwebhookconfiguration', MEMBER_WEBHOOK_CONFIGURATION, '-o', 'json']);

/** The Organization-level registration and ClaimCreationPolicy (the consumer named through a user extra). */
function orgPolicies(): string {
  return `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceRegistration
metadata:
  name: mc-test-org-secrets
spec:
  consumerType: { apiGroup: resourcemanager.miloapis.com, kind: Organization }
  type: Entity
  resourceType: ${ORG_TYPE}
  baseUnit: secret
  displayUnit: secrets
  unitConversionFactor: 1
  claimingResources: [{ apiGroup: "", kind: Secret }]
---
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata:
  name: mc-test-org-secret-policy
spec:
  trigger: { resource: { apiVersion: v1, kind: Secret } }
  target:
    resourceClaimTemplate:
      metadata: { namespace: "{{requestInfo.namespace}}" }
      spec:
        consumerRef:
          apiGroup: resourcemanager.miloapis.com
          kind: Organization
          name: '{{user.extra["${ORG_LABEL}"][0]}}'
        requests: [{ resourceType: ${ORG_TYPE}, amount: 1 }]
`;
}

describe('multi-cluster enforcement: one quota cluster, two member clusters', () => {
  it('charges each member’s Secrets to its Project, refuses the sixth, frees on delete, holds an Organization limit across members', async () => {
    const admin = (...args: string[]) => kubectlOk(quota.current, args);
    // 1. the Organization's Projects get their grants from upstream's GrantCreationPolicy, for the member that
    // stands for each Project; the buckets exist before any claim
    await admin('apply', '-f', step('namespaces.yaml'));
    await admin('apply', '-f', step('01-resource-registration.yaml'));
    await waitForCondition(quota.current, 'Active', [
      'resourceregistration.quota.miloapis.com/mc-test-secrets-per-project',
    ]);
    await admin('apply', '-f', step('02-grant-creation-policy.yaml'));
    await waitForCondition(quota.current, 'Ready', [
      'grantcreationpolicy.quota.miloapis.com/mc-test-project-secret-grant-policy',
    ]);
    await admin('apply', '-f', step('03-test-organization.yaml'));
    for (const name of ['p1', 'p2']) {
      const applied = await quota.current.kubectl(['apply', '-f', '-'], { input: projectManifest(name) });
      assert.equal(applied.code, 0, applied.stderr);
      await admin('create', 'namespace', `quota-member-${name}`);
    }
    for (const [name, plane] of [
      ['p1', p1.current],
      ['p2', p2.current],
    ] as const) {
      // the operator reaches each member only with config/member's ServiceAccount: least privilege is enough
      const registration = await memberWithLeastPrivilege(name, plane, {
        namespace: 'quota-system',
        labels: { [ORG_LABEL]: 'acme' },
        annotations: { [ANNOTATION_WEBHOOK_CLIENT_NAME]: WEBHOOK_CLIENT_NAME },
      });
      await env.client.create(SECRETS, registration);
      // the operator writes the member's webhook configuration through that identity
      await eventually(`${name}'s webhook configuration`, async () => {
        const out = await memberWebhookConfiguration(plane);
        return out.code === 0 && out.stdout.includes(`/members/${name}/enforce`);
      });
    }
    for (const name of ['p1', 'p2']) {
      const bucket = await eventually(
        `Project ${name}'s bucket with the grant's 5`,
        async () => {
          const b = await bucketOf(name, TYPE);
          return b?.status?.limit === 5 ? b : undefined;
        },
        60_000,
      );
      assert.equal(bucket.status?.allocated, 0, 'before any claim');
      assert.equal((await claimsOf(name)).length, 0);
      const grant = await env.client.get<ResourceGrant>(
        RESOURCES.grants,
        'milo-system',
        `auto-grant-${name}`,
      );
      assert.equal(grant.metadata.labels?.[LABEL_MEMBER_CLUSTER], name, 'made for the member');
    }

    // 2. upstream's ClaimCreationPolicy, with no consumerRef; each member's configuration gets the Secret rule
    await admin('apply', '-f', step('04-claim-creation-policy.yaml'));
    await waitForCondition(quota.current, 'Ready', [
      'claimcreationpolicy.quota.miloapis.com/mc-test-secret-claim-policy',
    ]);
    for (const plane of [p1.current, p2.current])
      await eventually('the Secret rule in the member', async () =>
        (await memberWebhookConfiguration(plane)).stdout.includes('"secrets"'),
      );

    // config/member grants no more than it says: no writes to objects, no other webhook configuration
    const sa = `--as=system:serviceaccount:${MEMBER_SERVICE_ACCOUNT.namespace}:${MEMBER_SERVICE_ACCOUNT.name}`;
    for (const denied of [
      ['delete', 'secrets'],
      ['create', 'secrets'],
      ['patch', 'validatingwebhookconfigurations/milo-quota-enforcement'],
      ['delete', `validatingwebhookconfigurations/${MEMBER_WEBHOOK_CONFIGURATION}`],
      ['list', 'configmaps'],
    ]) {
      const answer = await p1.current.kubectl(['auth', 'can-i', ...denied, sa]);
      assert.equal(answer.stdout.trim(), 'no', `${denied.join(' ')}: ${answer.stdout}${answer.stderr}`);
    }

    // 3. p1's Secrets are charged to Project p1; the sixth is refused with the figures
    for (let i = 1; i <= 5; i++) {
      const created = await secret(p1.current, `s${i}`);
      assert.equal(created.code, 0, created.stderr);
    }
    const sixth = await secret(p1.current, 's6');
    assert.notEqual(sixth.code, 0, 'the sixth Secret in p1 is refused');
    assert.match(
      sixth.stderr,
      /requested 1, limit 5, allocated 5, available 0 \(consumer resourcemanager.miloapis.com\/Project p1/,
    );
    const p1Claims = await claimsOf('p1');
    assert.equal(p1Claims.length, 5);
    for (const claim of p1Claims) assert.deepEqual(claim.spec.consumerRef, project('p1'));

    // 4. p2's Secrets charge p2, not p1
    for (const name of ['t1', 't2']) assert.equal((await secret(p2.current, name)).code, 0);
    const p2Claims = await claimsOf('p2');
    assert.equal(p2Claims.length, 2);
    for (const claim of p2Claims) assert.deepEqual(claim.spec.consumerRef, project('p2'));

    // 5. deleting a Secret in p1 frees its quota in the quota cluster
    await kubectlOk(p1.current, ['delete', 'secret', 's1', '-n', 'default']);
    await eventually('s1’s claim released', async () => (await claimsOf('p1')).length === 4, 60_000);
    assert.equal((await secret(p1.current, 's6')).code, 0, 'room again for a fifth Secret');

    // 6. an Organization-level limit holds across p1 and p2 together, with concurrent creates in both: a second
    // policy charges the member's Organization, named by the context label the operator passes as a user extra
    for (const plane of [p1.current, p2.current])
      await kubectlOk(plane, ['delete', 'secret', '--all', '-n', 'default']);
    await eventually(
      'every claim released',
      async () => (await claimsOf('p1')).length + (await claimsOf('p2')).length === 0,
      60_000,
    );
    const applied = await quota.current.kubectl(['apply', '-f', '-'], { input: orgPolicies() });
    assert.equal(applied.code, 0, applied.stderr);
    await waitForCondition(quota.current, 'Active', [
      'resourceregistration.quota.miloapis.com/mc-test-org-secrets',
    ]);
    await env.client.create(
      RESOURCES.grants,
      makeGrant('org-secrets-acme', 'quota-system', {
        apiGroup: 'resourcemanager.miloapis.com',
        kind: 'Organization',
        name: 'acme',
      })
        .allow(ORG_TYPE, 8)
        .build(),
    );
    await waitForCondition(quota.current, 'Ready', [
      'claimcreationpolicy.quota.miloapis.com/mc-test-org-secret-policy',
    ]);
    const burst = await Promise.all(
      [p1.current, p2.current].flatMap((plane, m) =>
        [1, 2, 3, 4, 5].map((i) => secret(plane, `burst-${m}-${i}`)),
      ),
    );
    const admitted = burst.filter((r) => r.code === 0).length;
    assert.equal(admitted, 8, `8 of 10 concurrent creates fit the Organization's 8 (got ${admitted})`);
    for (const refused of burst.filter((r) => r.code !== 0))
      assert.match(refused.stderr, /Organization acme/);

    // 7. p2 is stopped while it holds claims: they stay, nothing is freed, past the orphan grace. Meanwhile two of
    // its Secrets are deleted (through a second apiserver on p2's etcd, an address the operator does not know);
    // when p2 is back at its registered address, exactly those are released.
    const held = await claimsOf('p2');
    const p2Secrets = [...new Set(held.map((c) => c.spec.resourceRef?.name ?? ''))].sort();
    assert.ok(p2Secrets.length >= 3, `p2 holds Secrets (${p2Secrets.join(', ')})`);
    const figures = async () => [await allocated('p2', TYPE), await allocated('acme', ORG_TYPE)];
    const before = [p2Secrets.length, 8];
    await eventually('the buckets count every claim', async () => same(await figures(), before));
    const sideDoor = await sideDoorApiserver(p2.current);
    await p2.current.apiserver.stop();
    await eventually(
      'p2 Unreachable',
      async () =>
        (await env.client.get<KubeObject>(SECRETS, 'quota-system', 'member-p2')).metadata?.annotations?.[
          ANNOTATION_MEMBER_STATE
        ] === 'Unreachable',
      60_000,
    );
    const gone = p2Secrets.slice(0, 2);
    for (const name of gone)
      await kubectlOk(p2.current, [`--server=${sideDoor.server}`, 'delete', 'secret', name, '-n', 'default']);
    await sideDoor.stop();
    await new Promise((resolve) => setTimeout(resolve, ORPHAN_GRACE_S * 1_500));
    assert.deepEqual(
      (await claimsOf('p2')).map((c) => c.metadata.uid).sort(),
      held.map((c) => c.metadata.uid).sort(),
      'every claim of the stopped member stays',
    );
    assert.deepEqual(await figures(), before, 'nothing is freed while p2 is down');
    await p2.current.startApiserver();
    await eventually(
      'the deleted Secrets’ claims released once p2 is back',
      async () => (await claimsOf('p2')).every((c) => !gone.includes(c.spec.resourceRef?.name ?? '')),
      90_000,
    );
    const kept = await claimsOf('p2');
    assert.deepEqual(
      kept.map((c) => c.metadata.uid).sort(),
      held
        .filter((c) => !gone.includes(c.spec.resourceRef?.name ?? ''))
        .map((c) => c.metadata.uid)
        .sort(),
      'the others stay',
    );
    await eventually('the buckets count the release', async () => {
      const [project, org] = await figures();
      return project === p2Secrets.length - 2 && org === 6;
    });

    // 8. a forged review on p1's path: p2's apiserver identity, or the quota cluster's, is refused
    const port = env.operator.webhooks?.server.port ?? 0;
    const ca = env.operator.webhooks?.server.certificate?.caBundle ?? '';
    const review = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {},
    });
    const forged = await httpsRequest(port, '/members/p1/enforce', ca, review, {
      client: p2.current.webhookClient,
    });
    assert.equal(forged.status, 403, forged.body);
    await assert.rejects(
      httpsRequest(port, '/members/p1/enforce', ca, review),
      /certificate required|ECONNRESET|socket hang up/,
    );
  });
});

// Upstream's multi-cluster-enforcement scenario on three real control planes (issue #18, steps 2–6 and 8): one
// quota cluster runs the operator with --enable-members; members p1 and p2 are apiservers of their own whose
// Secrets are charged to their Projects through the operator's webhook, at a path per member that only that
// member's apiserver may call. Upstream's registration and ClaimCreationPolicy (no consumerRef) are applied
// unchanged; the grants are written by hand (GrantCreationPolicy parentContext is tested on its own).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANNOTATION_WEBHOOK_CLIENT_NAME, type ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { MEMBER_SERVICE_ACCOUNT } from '../../../src/cli/member.ts';
import { MEMBER_WEBHOOK_CONFIGURATION } from '../../../src/controllers/members/member-webhooks.ts';
import { type ControlPlane, WEBHOOK_CLIENT_NAME } from '../../../src/envtest/index.ts';
import { kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { httpsRequest } from '../../../src/webhook/testing.ts';
import { makeGrant } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { memberWithLeastPrivilege } from '../../support/members.ts';
import { useOperator } from '../../support/operator.ts';

const quota = useControlPlane({ controllerManager: false });
const p1 = useControlPlane({ controllerManager: false });
const p2 = useControlPlane({ controllerManager: false });
const env = useOperator(quota, { members: { webhookHost: '127.0.0.1' } });
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
    await admin('apply', '-f', step('01-resource-registration.yaml'));
    await admin(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistration.quota.miloapis.com/mc-test-secrets-per-project',
    );
    for (const name of ['p1', 'p2']) {
      const grant = makeGrant(`secrets-${name}`, 'quota-system', project(name)).allow(TYPE, 5).build();
      await env.client.create(RESOURCES.grants, grant);
      await admin('create', 'namespace', `quota-member-${name}`);
    }
    await admin('apply', '-f', step('04-claim-creation-policy.yaml'));
    await admin(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicy.quota.miloapis.com/mc-test-secret-claim-policy',
    );
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
      await env.client.create(
        { group: '', version: 'v1', plural: 'secrets', namespaced: true },
        registration,
      );
      // the operator writes the member's webhook configuration, with the Secret rule
      await eventually(`${name}'s webhook configuration`, async () => {
        const out = await plane.kubectl([
          'get',
          'validatingwebhookconfiguration',
          MEMBER_WEBHOOK_CONFIGURATION,
          '-o',
          'json',
        ]);
        return (
          out.code === 0 &&
          out.stdout.includes('"secrets"') &&
          out.stdout.includes(`/members/${name}/enforce`)
        );
      });
    }

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
    await admin(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistration.quota.miloapis.com/mc-test-org-secrets',
    );
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
    await admin(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicy.quota.miloapis.com/mc-test-org-secret-policy',
    );
    const burst = await Promise.all(
      [p1.current, p2.current].flatMap((plane, m) =>
        [1, 2, 3, 4, 5].map((i) => secret(plane, `burst-${m}-${i}`)),
      ),
    );
    const admitted = burst.filter((r) => r.code === 0).length;
    assert.equal(admitted, 8, `8 of 10 concurrent creates fit the Organization's 8 (got ${admitted})`);
    for (const refused of burst.filter((r) => r.code !== 0))
      assert.match(refused.stderr, /Organization acme/);

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

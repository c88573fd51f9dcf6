// The webhook authenticates its caller (mutual TLS), on a real apiserver that presents its webhook client
// certificate (src/envtest's AdmissionConfiguration): a hand-made AdmissionReview without a certificate, or
// with one from another CA, is refused at the TLS handshake and changes nothing, while the apiserver's own
// calls still reach the handlers (and, with --webhook-client-names, only when its certificate's name is
// listed). The first test is the control: the same forged review, against an operator started without the
// client CA, is acted on (a ResourceClaim appears).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { quotaWebhookPath } from '../../src/admission/index.ts';
import type { ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { WEBHOOK_CLIENT_NAME } from '../../src/envtest/index.ts';
import type { RunningOperator } from '../../src/operator/operator.ts';
import {
  createCertificateAuthority,
  createClient,
  issueLeaf,
  type KubeClient,
  kubeRequest,
  resourcePath,
} from '../../src/runtime/index.ts';
import { postReview } from '../support/admission.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { kubectlFails, kubectlOk } from '../support/kube.ts';
import { project } from '../support/manifests.ts';
import { startTestOperator, TEST_OPERATOR_OPTIONS } from '../support/operator.ts';
import { assertQuotaInvariants, PROJECTS } from './support.ts';

const plane = useControlPlane({ controllerManager: false });
const NS = 'quota-system';
const ENFORCE = '/enforce-quota';
const VALIDATE_CLAIM = quotaWebhookPath('ResourceClaim');
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);

const CLAIM_POLICY = `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata:
  name: projects
spec:
  trigger:
    resource:
      apiVersion: resourcemanager.miloapis.com/v1alpha1
      kind: Project
  target:
    resourceClaimTemplate:
      metadata:
        name: "project-{{trigger.metadata.name}}"
        namespace: ${NS}
      spec:
        consumerRef:
          apiGroup: resourcemanager.miloapis.com
          kind: Organization
          name: "{{trigger.spec.ownerRef.name}}"
        requests:
          - resourceType: example.com/projects
            amount: 1
`;

/** The review the apiserver would send for creating Project `name` of acme: granted, it makes a claim. */
const forgedProjectCreate = (name: string) => ({
  uid: `forged-${name}`,
  kind: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', kind: 'Project' },
  resource: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', resource: 'projects' },
  name,
  operation: 'CREATE' as const,
  userInfo: { username: 'mallory' },
  object: {
    apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
    kind: 'Project',
    metadata: { name, uid: randomUUID() },
    spec: { ownerRef: { kind: 'Organization', name: 'acme' } },
  },
});

/** A claim review the validation webhook would refuse (amount 0): any answer at all means it was served. */
const forgedClaimCreate = (name: string) => ({
  uid: `forged-claim-${name}`,
  kind: { group: 'quota.miloapis.com', version: 'v1alpha1', kind: 'ResourceClaim' },
  resource: { group: 'quota.miloapis.com', version: 'v1alpha1', resource: 'resourceclaims' },
  name,
  namespace: NS,
  operation: 'CREATE' as const,
  userInfo: { username: 'mallory' },
  object: {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceClaim',
    metadata: { name, namespace: NS },
    spec: { consumerRef: org('acme'), requests: [{ resourceType: 'example.com/projects', amount: 0 }] },
  },
});

let client: KubeClient;

async function claimNames(): Promise<string[]> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, NS),
  });
  return list.items.map((c) => c.metadata.name ?? '').sort();
}

async function metric(operator: RunningOperator, name: string, labels: Record<string, string>) {
  const values = (await operator.manager.registry.getSingleMetric(name)?.get())?.values ?? [];
  const match = values.find((v) =>
    Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value),
  );
  return match?.value ?? 0;
}

const served = (operator: RunningOperator, path: string) =>
  metric(operator, 'controller_runtime_webhook_requests_total', { webhook: path, code: '200' });
const rejected = (operator: RunningOperator, reason: string) =>
  metric(operator, 'milo_quota_webhook_tls_handshake_rejections_total', { reason });

/** Waits until the enforcement configuration points at `operator`'s port and covers Projects. */
async function enforcementServedBy(operator: RunningOperator): Promise<void> {
  const port = String(operator.webhooks?.server.port);
  await eventually('the enforcement webhook to call this operator for Projects', async () => {
    const out = await plane.current.kubectl([
      'get',
      'validatingwebhookconfiguration',
      'milo-quota-enforcement',
      '-o',
      'jsonpath={.webhooks[0].rules[0].resources[0]} {.webhooks[0].clientConfig.url}',
    ]);
    return out.code === 0 && out.stdout.startsWith('projects ') && out.stdout.includes(`:${port}/`);
  });
}

/** Asserts that `call` fails at the connection (no HTTP answer), then that nothing happened meanwhile. */
async function refusedWithoutEffect(call: Promise<unknown>, claim: string): Promise<void> {
  await assert.rejects(call, (error: NodeJS.ErrnoException) => {
    assert.match(String(error.code), /ECONNRESET|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|EPROTO/);
    return true;
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.ok(!(await claimNames()).includes(claim), `${claim} must not exist`);
}

describe('the webhook authenticates the apiserver', () => {
  let operator: RunningOperator | undefined;
  after(async () => operator?.stop());

  before(async () => {
    const cp = await plane.ready;
    client = createClient(cp.kubeConfig);
    // the control first: an operator that serves anyone who reaches the port
    operator = await startTestOperator(cp, {}, { clientAuth: false });
    await client.create(RESOURCES.registrations, makeRegistration('projects', 'example.com/projects'));
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-projects', NS, org('acme')).allow('example.com/projects', 2).build(),
    );
    await kubectlOk(cp, ['apply', '-f', '-'], CLAIM_POLICY);
    await kubectl('wait', '--for=condition=Ready', '--timeout=60s', 'claimcreationpolicy/projects');
    await kubectl('wait', '--for=condition=Active', '--timeout=60s', '-n', NS, 'resourcegrant/acme-projects');
    await enforcementServedBy(operator);
  });

  it('control: without the client CA, a forged review with no certificate is acted on', async () => {
    const open = operator as RunningOperator;
    const reply = await postReview(open, ENFORCE, forgedProjectCreate('open'), undefined);
    assert.equal(reply.status, 200, reply.body);
    assert.equal(JSON.parse(reply.body).response.allowed, true, reply.body);
    assert.ok((await claimNames()).includes('project-open'), 'the forged create reserved quota');
    const claimReply = await postReview(open, VALIDATE_CLAIM, forgedClaimCreate('open'), undefined);
    assert.equal(JSON.parse(claimReply.body).response.allowed, false, 'the validation handler ran');
    await open.stop();
    operator = await startTestOperator(plane.current);
    await enforcementServedBy(operator);
    // give the forged reservation back, so the quota below is acme's full 2
    await kubectl('delete', '--ignore-not-found', '-n', NS, 'resourceclaim.quota.miloapis.com/project-open');
    await eventually('the bucket to release the forged claim', async () => {
      const allocated = await kubectl(
        'get',
        'allowancebuckets.quota.miloapis.com',
        '-n',
        NS,
        '-o',
        'jsonpath={.items[*].status.allocated}',
      );
      return allocated === '0';
    });
  });

  it('refuses a forged review without a client certificate at the handshake, with no side effect', async () => {
    const op = operator as RunningOperator;
    // counted from here: the apiserver's own calls (the claim DELETE above) reached the handlers legitimately
    const before = { enforce: await served(op, ENFORCE), claim: await served(op, VALIDATE_CLAIM) };
    await refusedWithoutEffect(
      postReview(op, ENFORCE, forgedProjectCreate('none'), undefined),
      'project-none',
    );
    await refusedWithoutEffect(postReview(op, VALIDATE_CLAIM, forgedClaimCreate('none'), undefined), 'none');
    assert.equal(await served(op, ENFORCE), before.enforce, 'no request reached the enforcement handler');
    assert.equal(await served(op, VALIDATE_CLAIM), before.claim, 'no request reached the claim handler');
    assert.equal(await rejected(op, 'no_client_certificate'), 2);
  });

  it('refuses a forged review with a client certificate from another CA, with no side effect', async () => {
    const op = operator as RunningOperator;
    const otherCa = await createCertificateAuthority('not-the-webhook-client-ca');
    // the same name the apiserver's certificate carries: only the issuer differs
    const impostor = await issueLeaf(otherCa, {
      subject: 'CN=kube-apiserver-webhook-client',
      usage: 'client',
    });
    await refusedWithoutEffect(
      postReview(op, ENFORCE, forgedProjectCreate('other'), impostor),
      'project-other',
    );
    await refusedWithoutEffect(postReview(op, VALIDATE_CLAIM, forgedClaimCreate('other'), impostor), 'other');
    // a cluster client certificate (the admin's, system:masters) is no webhook client either
    await refusedWithoutEffect(
      postReview(op, ENFORCE, forgedProjectCreate('admin'), plane.current.pki.admin),
      'project-admin',
    );
    assert.equal(await served(op, ENFORCE), 0);
    assert.equal(await rejected(op, 'client_certificate_not_trusted'), 3);
  });

  it("serves the apiserver's own calls: the handlers' refusals and admissions reach kubectl", async () => {
    const cp = plane.current;
    const duplicate = await kubectlFails(
      cp,
      ['apply', '-f', '-'],
      JSON.stringify(makeRegistration('projects-again', 'example.com/projects')),
    );
    assert.match(duplicate, /resource type 'example\.com\/projects' is already registered/);
    await kubectlOk(cp, ['apply', '-f', '-'], project('web'));
    await kubectlOk(cp, ['apply', '-f', '-'], project('api'));
    const overQuota = await kubectlFails(cp, ['apply', '-f', '-'], project('third'));
    assert.match(
      overQuota,
      /Insufficient quota resources available: example\.com\/projects: requested 1, limit 2/,
    );
    assert.deepEqual(await claimNames(), ['project-api', 'project-web']);
    const op = operator as RunningOperator;
    assert.ok((await served(op, ENFORCE)) >= 3, 'the enforcement handler served the apiserver');
    await assertQuotaInvariants(client, [{ resource: PROJECTS, namespace: '', policy: 'projects' }]);
  });

  it("with --webhook-client-names, serves the apiserver only when its certificate's name is listed", async () => {
    const restart = async (clientNames: string[]) => {
      await operator?.stop();
      const webhook = TEST_OPERATOR_OPTIONS.webhook;
      assert.ok(webhook);
      operator = await startTestOperator(plane.current, { webhook: { ...webhook, clientNames } });
      return operator;
    };
    const registration = (name: string) => JSON.stringify(makeRegistration(name, `example.com/${name}`));
    const pinned = await restart(['someone-else']);
    const refused = await kubectlFails(plane.current, ['apply', '-f', '-'], registration('named-refused'));
    assert.match(refused, /failed calling webhook "resourceregistration\.validate\.quota\.miloapis\.com"/);
    assert.ok((await rejected(pinned, 'client_name_not_allowed')) >= 1);
    await restart([WEBHOOK_CLIENT_NAME]);
    await kubectlOk(plane.current, ['apply', '-f', '-'], registration('named-admitted'));
  });
});

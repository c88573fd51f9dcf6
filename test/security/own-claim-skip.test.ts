// The operator's own claim creates skip the claim webhook (a matchCondition on its ServiceAccount's username,
// src/admission/quota-webhook.ts). Here the operator runs as in a pod, under quota-system/milo-quota-operator,
// so the skip is live, and alice (the shipped tenant roles, kubectl --as) tries to ride it: her claim creates
// must still reach the claim guard and be refused, while the claims the operator makes for her ConfigMaps
// are the ones the apiserver excludes from the webhook (counted by the apiserver itself).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { OWN_CLAIM_CREATES_CONDITION } from '../../src/admission/quota-webhook.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { RunningOperator } from '../../src/operator/operator.ts';
import { createClient, type KubeClient, type ResourceRef } from '../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { enforcementCovers, kubectlOk } from '../support/kube.ts';
import { configMapClaimPolicy } from '../support/manifests.ts';
import { startTestOperator } from '../support/operator.ts';
import { operatorServiceAccount, type ServiceAccountLogin } from '../support/service-account.ts';
import { assertQuotaInvariants, kubectlAs, makeTenant } from './support.ts';

const plane = useControlPlane();
const NS = 'quota-system';
const TEAM = 'team-a';
const CLAIM_WEBHOOK = 'resourceclaim.validate.quota.miloapis.com';
const CLAIM_PATH = '/validate-quota-miloapis-com-v1alpha1-resourceclaim';
let operator: RunningOperator | undefined;
let login: ServiceAccountLogin | undefined;
let client: KubeClient | undefined;

before(async () => {
  const started = await plane.ready;
  login = await operatorServiceAccount(started, NS);
  operator = await startTestOperator(started, {}, { kubeConfig: login.kubeConfig });
  client = createClient(started.kubeConfig);
});
plane.beforeStop(async () => {
  await operator?.stop();
});

const admin = (...args: string[]) => kubectlOk(plane.current, args);
const alice = (args: string[], input?: string) => kubectlAs(plane.current, 'alice', args, input);
const CONFIGMAPS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
};
const invariants = () =>
  assertQuotaInvariants(client as KubeClient, [
    { resource: CONFIGMAPS, namespace: TEAM, policy: 'configmaps-policy' },
  ]);

/** Claim webhook requests the operator served (any code). */
async function claimWebhookCalls(): Promise<number> {
  const metric = operator?.manager.registry.getSingleMetric('controller_runtime_webhook_requests_total');
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => v.labels.webhook === CLAIM_PATH).reduce((sum, v) => sum + v.value, 0);
}

/** CREATEs the apiserver kept from the claim webhook by its match condition (its own count). */
async function excludedClaimCreates(): Promise<number> {
  const text = await admin('get', '--raw', '/metrics');
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_admission_match_condition_exclusions_total{')) continue;
    if (!line.includes(`name="${CLAIM_WEBHOOK}"`) || !line.includes('operation="CREATE"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

const aliceClaim = (name: string, consumer: string, extra = '') => `
apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceClaim
metadata: {name: ${name}, namespace: ${TEAM}${extra}}
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Organization, name: ${consumer}}
  requests: [{resourceType: example.com/configmaps, amount: 5}]
  resourceRef: {apiGroup: "", kind: ConfigMap, name: anything}
`;

describe("a tenant cannot ride the operator's claim-webhook skip", () => {
  it('sets up: the operator under its ServiceAccount, alice-org may have 2 ConfigMaps in team-a', async () => {
    const c = client as KubeClient;
    await c.create(
      RESOURCES.registrations,
      makeRegistration('configmaps', 'example.com/configmaps', undefined, [
        { apiGroup: '', kind: 'ConfigMap' },
      ]),
    );
    for (const name of ['alice-org', 'rich-org']) {
      await c.create(
        RESOURCES.grants,
        makeGrant(`${name}-grant`, NS, org(name))
          .allow('example.com/configmaps', name === 'rich-org' ? 50 : 2)
          .build(),
      );
      await admin(
        'wait',
        '--for=condition=Active',
        '--timeout=60s',
        '-n',
        NS,
        `resourcegrant.quota.miloapis.com/${name}-grant`,
      );
    }
    await makeTenant(plane.current, 'alice', TEAM);
    await kubectlOk(
      plane.current,
      ['apply', '-f', '-'],
      configMapClaimPolicy({
        name: 'configmaps-policy',
        namespace: TEAM,
        claimMetadata: '{generateName: "cm-", namespace: "{{trigger.metadata.namespace}}"}',
        consumer: 'alice-org',
        resourceType: 'example.com/configmaps',
      }),
    );
    await admin(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicy.quota.miloapis.com/configmaps-policy',
    );
    await enforcementCovers(plane.current, ['configmaps']);
    // the skip is live, and names the operator's ServiceAccount only (else this file proves nothing)
    await eventually("the claim webhook to skip the operator's own claim creates", async () => {
      const out = await admin('get', 'validatingwebhookconfiguration', 'milo-quota-validation', '-o', 'json');
      const config = JSON.parse(out) as {
        webhooks: { name: string; matchConditions?: { name: string; expression: string }[] }[];
      };
      const conditions = config.webhooks.find((w) => w.name === CLAIM_WEBHOOK)?.matchConditions ?? [];
      return conditions.some(
        (c) => c.name === OWN_CLAIM_CREATES_CONDITION && c.expression.includes(`'${login?.username}'`),
      );
    });
  });

  it("the operator's claims for alice's ConfigMaps skip the claim webhook; quota still holds", async () => {
    const excluded = await excludedClaimCreates();
    const made = [];
    for (const name of ['one', 'two', 'three']) {
      made.push(await alice(['create', 'configmap', name, '-n', TEAM, '--from-literal=k=v']));
    }
    assert.deepEqual(
      made.map((r) => r.code === 0),
      [true, true, false],
      made.map((r) => r.stderr).join(''),
    );
    assert.match(made[2]?.stderr ?? '', /Insufficient quota resources available/);
    // three claims created by the operator, none of them reviewed by the claim webhook
    assert.ok(
      (await excludedClaimCreates()) - excluded >= 3,
      'the apiserver excluded the operator claim creates',
    );
    await invariants();
  });

  it("alice's own claim creates still reach the claim guard and are refused", async () => {
    const excluded = await excludedClaimCreates();
    const calls = await claimWebhookCalls();
    // charging another Organization, and her own (she holds no `claim` on either)
    for (const consumer of ['rich-org', 'alice-org']) {
      const r = await alice(['create', '-f', '-'], aliceClaim(`take-${consumer}`, consumer));
      assert.notEqual(r.code, 0, `charging ${consumer} must be refused`);
      assert.match(r.stderr, new RegExp(`user "alice" may not charge quota to Organization "${consumer}"`));
    }
    // dressed as one of the operator's claims (its labels and generated name) changes nothing
    const operatorClaim = (
      JSON.parse(await admin('get', 'resourceclaims.quota.miloapis.com', '-n', TEAM, '-o', 'json')) as {
        items: { metadata: { labels?: Record<string, string> } }[];
      }
    ).items[0];
    const labels = JSON.stringify(operatorClaim?.metadata.labels ?? {});
    const dressed = await alice(
      ['create', '-f', '-'],
      aliceClaim('cm-dressed', 'rich-org', `, labels: ${labels}`),
    );
    assert.notEqual(dressed.code, 0, 'a claim with the operator labels must be refused');
    assert.match(dressed.stderr, /user "alice" may not charge quota to Organization "rich-org"/);
    assert.equal(await excludedClaimCreates(), excluded, 'none of her creates skipped the webhook');
    assert.ok((await claimWebhookCalls()) >= calls + 3, 'each of her creates was reviewed');
    const left = await admin('get', 'resourceclaims.quota.miloapis.com', '-n', TEAM, '-o', 'name');
    assert.doesNotMatch(left, /take-|cm-dressed/);
    await invariants();
  });
});

// Policies tell the truth about what is enforced, on a real control plane: a ClaimCreationPolicy (and a
// GrantCreationPolicy) naming a trigger version the apiserver does not serve is Ready=False and says what to
// do; installing the CRD and serving the version turns it Ready and its creates are enforced, through every
// served version of the kind; removing the version turns it back to False and drops the webhook rule. No
// restart and no poll: the operator follows the CRDs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition, ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { kubeRequest, resourcePath } from '../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { kubectlFails, kubectlOk } from '../support/kube.ts';
import { useOperator } from '../support/operator.ts';
import { assertQuotaInvariants } from './support.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const kubectl = (args: string[], input?: string) => kubectlOk(plane.current, args, input);
const NS = 'quota-system';
const GROUP = 'truth.example.dev';
const TYPE = `${GROUP}/widgets`;
const CRD_NAME = `widgets.${GROUP}`;

/** The Widget CRD serving `versions` (the first stores); cluster-scoped, so no namespace is excluded. */
function widgetCrd(versions: string[]): string {
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME },
    spec: {
      group: GROUP,
      scope: 'Cluster',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      conversion: { strategy: 'None' },
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      })),
    },
  });
}

const widget = (version: string, name: string) =>
  JSON.stringify({
    apiVersion: `${GROUP}/${version}`,
    kind: 'Widget',
    metadata: { name },
    spec: { ownerRef: { kind: 'Organization', name: 'acme' } },
  });

const claimPolicy = JSON.stringify({
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'ClaimCreationPolicy',
  metadata: { name: 'widgets' },
  spec: {
    trigger: { resource: { apiVersion: `${GROUP}/v1beta1`, kind: 'Widget' } },
    target: {
      resourceClaimTemplate: {
        metadata: { name: 'widgets-{{trigger.metadata.name}}', namespace: NS },
        spec: {
          consumerRef: {
            apiGroup: 'resourcemanager.miloapis.com',
            kind: 'Organization',
            name: '{{trigger.spec.ownerRef.name}}',
          },
          requests: [{ resourceType: TYPE, amount: 1 }],
        },
      },
    },
  },
});

// Its constraint never holds: only its Ready condition is under test, not grants that would change the limit.
const grantPolicy = JSON.stringify({
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'GrantCreationPolicy',
  metadata: { name: 'widget-grants' },
  spec: {
    trigger: {
      resource: { apiVersion: `${GROUP}/v1beta1`, kind: 'Widget' },
      constraints: [{ expression: 'trigger.metadata.name == "never"' }],
    },
    target: {
      resourceGrantTemplate: {
        metadata: { name: 'widget-{{trigger.metadata.name}}', namespace: NS },
        spec: {
          consumerRef: {
            apiGroup: 'resourcemanager.miloapis.com',
            kind: 'Organization',
            name: '{{trigger.spec.ownerRef.name}}',
          },
          allowances: [{ resourceType: TYPE, buckets: [{ amount: 1 }] }],
        },
      },
    },
  },
});

async function ready(resource: string): Promise<Condition | undefined> {
  const out = await kubectl(['get', resource, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")]}']);
  return out === '' ? undefined : (JSON.parse(out) as Condition);
}

/** Waits until both policies' Ready has `status`, and returns the ClaimCreationPolicy's. */
async function bothReady(status: 'True' | 'False', message?: RegExp): Promise<Condition> {
  const fits = (c: Condition | undefined) =>
    c?.status === status && (message === undefined || message.test(c.message));
  return eventually(`both policies Ready=${status}`, async () => {
    const claim = await ready('claimcreationpolicy.quota.miloapis.com/widgets');
    const grant = await ready('grantcreationpolicy.quota.miloapis.com/widget-grants');
    return fits(claim) && fits(grant) && claim;
  });
}

async function webhookResources(): Promise<string[]> {
  const out = await kubectl([
    'get',
    'validatingwebhookconfiguration',
    'milo-quota-enforcement',
    '-o',
    'jsonpath={.webhooks[*].rules[*].resources[*]}',
  ]);
  return out.split(' ').filter((r) => r !== '');
}

async function claimNames(): Promise<string[]> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(env.client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, NS),
  });
  return list.items.map((c) => c.metadata.name ?? '').sort();
}

/** Creates a Widget; retries while the apiserver does not serve the version yet (its handler follows the CRD). */
async function createWidget(version: string, name: string): Promise<{ code: number; stderr: string }> {
  return eventually(`Widget ${name} through ${version} to reach admission`, async () => {
    const result = await plane.current.kubectl(['create', '-f', '-'], { input: widget(version, name) });
    const unserved = /the server could not find|no matches for kind|NotFound/.test(result.stderr);
    return !unserved && result;
  });
}

describe('policies tell the truth about what is enforced', () => {
  it('a policy whose trigger kind has no CRD is Ready=False and says to install it', async () => {
    await env.client.create(
      RESOURCES.registrations,
      makeRegistration('widgets', TYPE, undefined, [{ apiGroup: GROUP, kind: 'Widget' }]),
    );
    await env.client.create(
      RESOURCES.grants,
      makeGrant('acme-widgets', NS, org('acme')).allow(TYPE, 2).build(),
    );
    await kubectl(['apply', '-f', '-'], claimPolicy);
    await kubectl(['apply', '-f', '-'], grantPolicy);
    const condition = await bothReady('False', /not served/);
    assert.equal(condition.reason, 'ValidationFailed');
    assert.equal(
      condition.message,
      'trigger kind Widget (truth.example.dev/v1beta1) is not served by the API server: install its CRD, ' +
        'serve version v1beta1 in the CRD, or fix spec.trigger.resource',
    );
    assert.deepEqual(await webhookResources(), []);
  });

  it('with the CRD serving only another version, says which versions it serves', async () => {
    await kubectl(['apply', '-f', '-'], widgetCrd(['v1alpha1']));
    const condition = await bothReady('False', /CRD widgets\.truth\.example\.dev serves v1alpha1$/);
    assert.equal(condition.reason, 'ValidationFailed');
    assert.match(condition.message, /^trigger kind Widget \(truth\.example\.dev\/v1beta1\) is not served/);
    assert.deepEqual(await webhookResources(), []);
  });

  it('turns Ready once the version is served, and enforces creates through both served versions', async () => {
    await kubectl(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      widgetCrd(['v1alpha1', 'v1beta1']),
    );
    const condition = await bothReady('True');
    assert.equal(condition.reason, 'PolicyReady');
    await eventually('the enforcement rule for widgets', async () =>
      (await webhookResources()).includes('widgets'),
    );
    const alpha = await createWidget('v1alpha1', 'w-alpha');
    assert.equal(alpha.code, 0, alpha.stderr);
    const beta = await createWidget('v1beta1', 'w-beta');
    assert.equal(beta.code, 0, beta.stderr);
    assert.deepEqual(await claimNames(), ['widgets-w-alpha', 'widgets-w-beta'], 'one claim per version');
    for (const version of ['v1alpha1', 'v1beta1']) {
      const stderr = await kubectlFails(
        plane.current,
        ['create', '-f', '-'],
        widget(version, `over-${version}`),
      );
      assert.match(
        stderr,
        /Insufficient quota resources available: truth\.example\.dev\/widgets: requested 1, limit 2, allocated 2, available 0/,
      );
    }
    const widgets = {
      group: GROUP,
      version: 'v1beta1',
      plural: 'widgets',
      namespaced: false,
      kind: 'Widget',
    };
    await assertQuotaInvariants(env.client, [{ resource: widgets, namespace: '', policy: 'widgets' }]);
  });

  it('turns Ready=False again and drops the webhook rule when the version is removed', async () => {
    await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], widgetCrd(['v1alpha1']));
    const condition = await bothReady('False', /CRD widgets\.truth\.example\.dev serves v1alpha1$/);
    assert.equal(condition.reason, 'ValidationFailed');
    await eventually(
      'no enforcement rule for widgets',
      async () => !(await webhookResources()).includes('widgets'),
    );
  });

  it('turns Ready again when the version comes back, and False when the CRD is deleted', async () => {
    await kubectl(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      widgetCrd(['v1alpha1', 'v1beta1']),
    );
    await bothReady('True');
    await eventually('the enforcement rule for widgets', async () =>
      (await webhookResources()).includes('widgets'),
    );
    await kubectl(['delete', 'crd', CRD_NAME, '--wait=true', '--timeout=60s']);
    await bothReady(
      'False',
      /not served by the API server: install its CRD, serve version v1beta1 in the CRD, or fix spec\.trigger\.resource$/,
    );
    await eventually(
      'no enforcement rule for widgets',
      async () => !(await webhookResources()).includes('widgets'),
    );
  });
});

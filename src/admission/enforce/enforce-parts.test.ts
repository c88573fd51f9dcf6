// The pure and in-memory parts of enforcement: claim rendering, the refusal text, the enforcement webhook
// configuration, and the waiter fed through a real Informer's input API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import type { ResourceClaim } from '../../api/index.ts';
import { RESOURCES } from '../../cache/index.ts';
import { compileClaimCreationPolicy } from '../../policy/index.ts';
import { createLogger, Informer, type KubeObject } from '../../runtime/index.ts';
import type { AdmissionRequest } from '../../webhook/review.ts';
import { generatedName, renderClaim } from './claim-render.ts';
import { denialMessage } from './denial.ts';
import { ENFORCEMENT_PATH, enforcementConfiguration } from './enforcement-configuration.ts';
import { ClaimWaiter } from './waiter.ts';

const policy = (metadata: Record<string, unknown>, withConsumer = true) => {
  const compiled = compileClaimCreationPolicy({
    spec: {
      trigger: { resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Project' } },
      target: {
        resourceClaimTemplate: {
          metadata,
          spec: {
            ...(withConsumer && {
              consumerRef: {
                apiGroup: 'resourcemanager.miloapis.com',
                kind: 'Organization',
                name: '{{trigger.spec.ownerRef.name}}',
              },
            }),
            requests: [{ resourceType: 'example.com/projects', amount: 1 }],
          },
        },
      },
    },
  });
  assert.ok(compiled.ok, JSON.stringify(compiled.errors));
  return compiled.value;
};

const request: AdmissionRequest = {
  uid: 'req-1',
  kind: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', kind: 'Project' },
  resource: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', resource: 'projects' },
  operation: 'CREATE',
  userInfo: { username: 'alice' },
};
const object = {
  metadata: { name: 'web', uid: 'obj-uid' },
  spec: { ownerRef: { kind: 'Organization', name: 'acme' } },
};
const now = new Date('2026-11-21T10:00:00Z');

describe('renderClaim', () => {
  it('uses the template name, stamps Milo labels and annotations, and points resourceRef at the object', () => {
    const claim = renderClaim({
      policyName: 'p',
      policy: policy({ name: 'project-{{trigger.metadata.name}}', namespace: 'quota-system' }),
      request,
      object,
      defaultNamespace: 'ops',
      now,
    });
    assert.equal(claim.metadata.name, 'project-web');
    assert.equal(claim.metadata.namespace, 'quota-system');
    assert.deepEqual(claim.metadata.labels, {
      'quota.miloapis.com/auto-created': 'true',
      'quota.miloapis.com/policy': 'p',
      'quota.miloapis.com/gvk': 'resourcemanager.miloapis.com.v1alpha1.Project',
      'quota.miloapis.com/resource-uid': 'obj-uid',
    });
    assert.equal(claim.metadata.annotations?.['quota.miloapis.com/created-by'], 'claim-creation-plugin');
    assert.equal(claim.metadata.annotations?.['quota.miloapis.com/resource-name'], 'web');
    assert.deepEqual(claim.spec.resourceRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Project',
      name: 'web',
    });
    assert.deepEqual(claim.spec.consumerRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'acme',
    });
  });

  it('gives a cluster-scoped object without a template namespace the default namespace, and a generated name', () => {
    const claim = renderClaim({
      policyName: 'p',
      policy: policy({}),
      request,
      object,
      defaultNamespace: 'ops',
      now,
    });
    assert.equal(claim.metadata.namespace, 'ops');
    assert.match(claim.metadata.name ?? '', /^p-claim-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('leaves the consumer out when the template names none (the webhook fills it from the context)', () => {
    const claim = renderClaim({
      policyName: 'p',
      policy: policy({ namespace: '{{requestInfo.namespace}}' }, false),
      request,
      object,
      defaultNamespace: 'ops',
      now,
    });
    assert.equal('consumerRef' in claim.spec, false);
    assert.equal(claim.metadata.namespace, 'ops', "Milo's ClusterNote template: an empty namespace defaults");
  });
});

describe('generatedName', () => {
  it('is stable for one seed, differs across seeds, and caps the base at 58 characters', () => {
    assert.equal(generatedName('x-', 'a'), generatedName('x-', 'a'));
    assert.notEqual(generatedName('x-', 'a'), generatedName('x-', 'b'));
    assert.equal(generatedName('y'.repeat(80), 'a').length, 63);
  });
});

describe('denialMessage', () => {
  it("is Milo's sentence (3de48987) with figures, consumer and policy in its parentheses", () => {
    const text = denialMessage([
      {
        consumer: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
        policy: 'projects',
        requests: [
          { resourceType: 'example.com/projects', requested: 1, limit: 2, allocated: 2, available: 0 },
        ],
      },
    ]);
    assert.equal(
      text,
      "You've reached your quota for this resource type (Insufficient quota resources available: " +
        'example.com/projects: requested 1, limit 2, allocated 2, available 0 ' +
        '(consumer resourcemanager.miloapis.com/Organization acme, policy projects)). ' +
        'Delete unused resources to free up capacity, or contact support to request a higher limit.',
    );
  });
});

describe('enforcementConfiguration', () => {
  it('has one CREATE-only, fail-closed webhook excluding system namespaces, whose rules the operator owns', () => {
    const empty = enforcementConfiguration([], 'ops', 10);
    assert.deepEqual(
      empty.webhooks.map((w) => w.rules),
      [[]],
      'without policies the webhook matches nothing',
    );
    assert.equal(empty.operatorOwnsRules, true);
    const rule = {
      apiGroups: ['g'],
      apiVersions: ['*'],
      resources: ['things'],
      operations: ['CREATE' as const],
      scope: '*' as const,
    };
    const [webhook] = enforcementConfiguration([rule], 'ops', 10).webhooks;
    assert.equal(webhook?.path, ENFORCEMENT_PATH);
    assert.equal(webhook?.failurePolicy, 'Fail');
    assert.equal(webhook?.sideEffects, 'NoneOnDryRun');
    assert.deepEqual(webhook?.namespaceSelector?.matchExpressions?.[0]?.values, ['kube-system', 'ops']);
  });
});

describe('ClaimWaiter', () => {
  const claimObject = (uid: string, status?: ResourceClaim['status']): KubeObject =>
    ({
      // a decision is a new resourceVersion: the informer drops an upsert of one it has seen
      metadata: { name: 'c', namespace: 'ns', uid, resourceVersion: `${uid}${status ? '-decided' : ''}` },
      spec: { requests: [{ resourceType: 't', amount: 1 }] },
      ...(status ? { status } : {}),
    }) as KubeObject;
  const granted = {
    allocations: [
      { resourceType: 't', status: 'Granted' as const, lastTransitionTime: '2026-11-21T10:00:00Z' },
    ],
  };
  const denied = {
    allocations: [
      { resourceType: 't', status: 'Denied' as const, lastTransitionTime: '2026-11-21T10:00:00Z' },
    ],
  };
  const setup = () => {
    const informer = new Informer({
      kubeConfig: new KubeConfig(),
      resource: RESOURCES.claims,
      logger: createLogger({ silent: true }),
    });
    return { informer, waiter: new ClaimWaiter(informer) };
  };

  it('ignores the pending state and resolves on the decision', async () => {
    const { informer, waiter } = setup();
    const wait = waiter.register('ns', 'c', 5_000, new AbortController().signal);
    informer.upsert(claimObject('u1'));
    informer.upsert(claimObject('u1', granted));
    wait.bindUid('u1'); // the decision came before the create's answer: replayed once the uid is known
    const result = await wait.result;
    assert.equal(result.outcome, 'granted');
  });

  it('never lets an older claim of the same name answer before its own uid is known', async () => {
    const { informer, waiter } = setup();
    const wait = waiter.register('ns', 'c', 100, new AbortController().signal);
    informer.upsert(claimObject('older', granted));
    informer.remove(claimObject('older', granted));
    wait.bindUid('mine');
    assert.equal((await wait.result).outcome, 'timeout');
  });

  it('does not let a replaced claim of the same name answer, and times out', async () => {
    const { informer, waiter } = setup();
    const wait = waiter.register('ns', 'c', 50, new AbortController().signal, 'old');
    informer.upsert(claimObject('old', denied));
    informer.remove(claimObject('old', denied));
    assert.equal((await wait.result).outcome, 'timeout');
    assert.equal(waiter.size, 0);
  });

  it('reports a deletion of the claim it waits for', async () => {
    const { informer, waiter } = setup();
    const wait = waiter.register('ns', 'c', 5_000, new AbortController().signal);
    wait.bindUid('u2');
    informer.upsert(claimObject('u2'));
    informer.remove(claimObject('u2'));
    assert.equal((await wait.result).outcome, 'deleted');
  });
});

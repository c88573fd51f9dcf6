import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GrantCreationPolicy, GrantCreationPolicyStatus } from '../../api/index.ts';
import { makeGrantPolicy } from '../../api/testing.ts';
import { asKubeObject } from '../../cache/index.ts';
import { WIDGET_CRD } from '../../cache/testing.ts';
import { requestFromKey, requestKey } from '../../runtime/index.ts';
import { forbiddenMessage } from './access.ts';
import { triggerGroupKind } from './crd-events.ts';
import { policyChanged } from './engine-sources.ts';
import {
  describeKind,
  kindKey,
  notServedMessage,
  parseTriggerRequest,
  triggerKindOf,
  triggerRequest,
} from './trigger-kind.ts';

describe('trigger kinds', () => {
  it('parses core and grouped apiVersions', () => {
    assert.deepEqual(triggerKindOf({ apiVersion: 'v1', kind: 'Secret' }), {
      group: '',
      version: 'v1',
      kind: 'Secret',
    });
    const org = triggerKindOf({ apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Organization' });
    assert.deepEqual(org, {
      group: 'resourcemanager.miloapis.com',
      version: 'v1alpha1',
      kind: 'Organization',
    });
    assert.equal(kindKey(org), 'Organization.v1alpha1.resourcemanager.miloapis.com');
    assert.equal(describeKind(org), 'Organization (resourcemanager.miloapis.com/v1alpha1)');
  });

  it('round-trips the engine request through the workqueue key', () => {
    const key = kindKey({ group: 'example.dev', version: 'v1', kind: 'Team' });
    const req = triggerRequest(key, '8d5e3c7a-0000-4000-8000-000000000001');
    assert.deepEqual(parseTriggerRequest(requestFromKey(requestKey(req))), {
      kindKey: key,
      uid: '8d5e3c7a-0000-4000-8000-000000000001',
    });
    assert.equal(parseTriggerRequest({ namespace: '', name: 'x' }), undefined);
  });
});

describe('forbiddenMessage', () => {
  it('names the missing verbs, the resource, the operator user and the aggregation label', () => {
    const ref = { group: 'example.dev', version: 'v1', plural: 'teams', namespaced: true, kind: 'Team' };
    const message = forbiddenMessage(ref, ['list', 'watch'], 'system:serviceaccount:quota-system:op');
    assert.match(
      message,
      /user system:serviceaccount:quota-system:op\) may not list, watch teams\.example\.dev/,
    );
    assert.match(message, /quota\.miloapis\.com\/aggregate-to-operator: "true"/);
    assert.match(message, /resources \[teams\] in apiGroups \["example\.dev"\]/);
  });
});

describe('policyChanged', () => {
  const policy = (generation: number, status?: GrantCreationPolicyStatus): GrantCreationPolicy => {
    const p = makeGrantPolicy();
    p.metadata.generation = generation;
    if (status) p.status = status;
    return p;
  };
  const ready = (reason: string): GrantCreationPolicyStatus => ({
    conditions: [
      {
        type: 'Ready',
        status: reason === 'PolicyReady' ? 'True' : 'False',
        reason,
        message: '',
        lastTransitionTime: '2025-01-01T00:00:00Z',
      },
    ],
  });

  it('passes creates, spec changes and Ready changes, and drops other status writes', () => {
    assert.ok(policyChanged({ type: 'create', object: policy(1) }));
    assert.ok(policyChanged({ type: 'update', oldObject: policy(1), object: policy(2) }));
    assert.ok(
      policyChanged({
        type: 'update',
        oldObject: policy(1, ready('ValidationFailed')),
        object: policy(1, ready('PolicyReady')),
      }),
    );
    assert.ok(
      !policyChanged({
        type: 'update',
        oldObject: policy(1, ready('PolicyReady')),
        object: policy(1, { ...ready('PolicyReady'), observedGeneration: 1 }),
      }),
    );
  });
});

describe('notServedMessage', () => {
  const kind = { group: 'example.dev', version: 'v9', kind: 'Widget' };
  const crd = WIDGET_CRD;

  it('names the kind and apiVersion and the three ways out', () => {
    assert.equal(
      notServedMessage(kind, undefined),
      'trigger kind Widget (example.dev/v9) is not served by the API server: install its CRD, serve ' +
        'version v9 in the CRD, or fix spec.trigger.resource',
    );
  });

  it('says what the CRD defining the kind serves, or why it serves nothing', () => {
    assert.match(notServedMessage(kind, crd), /; CRD widgets\.example\.dev serves v1alpha1, v1beta1$/);
    assert.match(notServedMessage(kind, { ...crd, served: [] }), /serves no version$/);
    assert.match(notServedMessage(kind, { ...crd, established: false }), /is not Established yet/);
    assert.match(notServedMessage(kind, { ...crd, terminating: true }), /is being deleted$/);
  });
});

describe('triggerGroupKind', () => {
  it('indexes either policy kind by its trigger group and kind, whatever the version', () => {
    const policy = makeGrantPolicy();
    policy.spec.trigger.resource = { apiVersion: 'example.dev/v9', kind: 'Widget' };
    assert.deepEqual(triggerGroupKind(asKubeObject(policy)), ['Widget.example.dev']);
    policy.spec.trigger.resource = { apiVersion: 'v1', kind: 'Namespace' };
    assert.deepEqual(triggerGroupKind(asKubeObject(policy)), ['Namespace']);
    assert.deepEqual(triggerGroupKind({ metadata: { name: 'x' } }), []);
  });
});

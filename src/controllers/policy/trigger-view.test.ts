import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '@bufbuild/cel';
import { KubeConfig } from '@kubernetes/client-node';
import { makeGrantPolicy } from '../../api/testing.ts';
import {
  compileGrantCreationPolicy,
  grantPolicyTriggerRefs,
  metadataRefs,
  NO_REFS,
} from '../../policy/index.ts';
import { createLogger, Informer, type KubeObject } from '../../runtime/index.ts';
import { slimTrigger, TriggerFields } from './trigger-view.ts';

const HUGE = 'x'.repeat(250 * 1024);
const trigger = (): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Project',
  metadata: {
    name: 'p',
    namespace: 'n',
    uid: 'u',
    resourceVersion: '1',
    labels: { tier: 'gold', team: 'a' },
    annotations: { owner: 'me', blob: HUGE },
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'x' }],
    managedFields: [{ blob: HUGE }],
  },
  spec: { anything: { nested: [1, 2] } },
  status: { phase: 'Ready' },
});
const refs = (source: string) => metadataRefs(parse(source).expr);

describe('trigger cache view', () => {
  it('keeps the whole object but only the label and annotation keys policies read', () => {
    const slim = slimTrigger(
      trigger(),
      refs('trigger.metadata.labels.tier + trigger.metadata.annotations.owner'),
    );
    const { managedFields: _, ...metadata } = trigger().metadata ?? {};
    assert.deepEqual(slim, {
      ...trigger(),
      metadata: { ...metadata, labels: { tier: 'gold' }, annotations: { owner: 'me' } },
    });
    assert.ok(JSON.stringify(slim).length < 1_000, 'the 250 KB annotation nobody reads is gone');
  });

  it('keeps every key when a policy reads the maps as a whole', () => {
    const slim = slimTrigger(trigger(), refs('size(trigger.metadata.annotations) > 0'));
    assert.deepEqual(slim.metadata?.annotations, trigger().metadata?.annotations);
    assert.deepEqual(slim.metadata?.labels, {});
    assert.deepEqual(slimTrigger(trigger(), NO_REFS).metadata?.annotations, {});
  });

  it('takes its keys from the compiled policy', () => {
    const policy = makeGrantPolicy();
    policy.spec.target.resourceGrantTemplate.metadata = {
      ...policy.spec.target.resourceGrantTemplate.metadata,
      annotations: { 'example.com/owner': 'by {{trigger.metadata.annotations["owner"]}}' },
    };
    const compiled = compileGrantCreationPolicy(policy);
    assert.ok(compiled.ok, JSON.stringify(compiled.errors));
    const kept = grantPolicyTriggerRefs(compiled.value);
    assert.deepEqual(slimTrigger(trigger(), kept).metadata?.annotations, { owner: 'me' });
  });

  it('widens the kept keys and waits for a relist when a policy needs more', () => {
    const fields = new TriggerFields(refs('trigger.metadata.labels.tier'));
    const informer = new Informer({
      kubeConfig: new KubeConfig(),
      resource: { group: 'example.com', version: 'v1', plural: 'projects', namespaced: true },
      logger: createLogger({ silent: true }),
      transform: fields.view.transform,
    });
    assert.equal(fields.covers(refs('trigger.metadata.labels.tier'), informer), true);
    assert.deepEqual(fields.view.transform(trigger()).metadata?.annotations, {});
    assert.equal(fields.covers(refs('trigger.metadata.annotations.owner'), informer), false);
    assert.deepEqual(fields.view.transform(trigger()).metadata?.annotations, { owner: 'me' });
    assert.equal(
      fields.covers(refs('trigger.metadata.annotations.owner'), informer),
      false,
      'until relisted',
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { InformerFactory } from './informer-factory.ts';
import { createLogger } from './logger.ts';
import type { KubeObject } from './types.ts';

const CRDS = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

describe('InformerFactory transforms', () => {
  it('shares one informer per kind, and refuses a second caller with another transform', () => {
    const factory = new InformerFactory(new KubeConfig(), createLogger({ silent: true }));
    const slim = (obj: KubeObject): KubeObject => ({ metadata: { name: obj.metadata?.name ?? '' } });
    const informer = factory.informerFor(CRDS, {}, slim);
    assert.equal(factory.informerFor(CRDS, {}, slim), informer);
    assert.throws(() => factory.informerFor(CRDS), /exists with another transform/);
    assert.throws(() => factory.informerFor(CRDS, {}, (obj) => obj), /exists with another transform/);
  });
});

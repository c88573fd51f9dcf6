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

describe('InformerFactory views', () => {
  it('shares one informer per kind and view; another view is another informer', () => {
    const factory = new InformerFactory(new KubeConfig(), createLogger({ silent: true }));
    const slim = {
      name: 'slim',
      transform: (obj: KubeObject): KubeObject => ({ metadata: { name: obj.metadata?.name ?? '' } }),
    };
    const informer = factory.informerFor(CRDS, {}, slim);
    assert.equal(factory.informerFor(CRDS, {}, slim), informer);
    assert.notEqual(factory.informerFor(CRDS), informer);
  });
});

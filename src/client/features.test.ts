import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testKubeConfig } from '../runtime/fake/index.ts';
import { createLogger } from '../runtime/index.ts';
import { FEATURE_BUCKET_VIEW, FeatureCache, FeatureCacheNotReadyError, featureEnabled } from './features.ts';

/** A kubeconfig for a port nothing listens on. */
const unreachable = () => testKubeConfig('http://127.0.0.1:1');

const logger = createLogger({ silent: true });

describe('FeatureCache.start', () => {
  it('gives up after timeoutMs, naming what it could not list and where to look', async () => {
    const started = Date.now();
    await assert.rejects(FeatureCache.start(unreachable(), { timeoutMs: 300, logger }), (error) => {
      assert.ok(error instanceof FeatureCacheNotReadyError);
      assert.equal(error.field, 'timeoutMs');
      assert.match(error.message, /could not list resourceregistrations and allowancebuckets within 300 ms/);
      assert.match(error.message, /may list and watch them/);
      return true;
    });
    assert.ok(Date.now() - started < 5000, 'and stops its watches instead of hanging');
  });

  it('refuses a bad timeout or an empty namespace, naming the option', async () => {
    await assert.rejects(FeatureCache.start(unreachable(), { timeoutMs: -1, logger }), {
      field: 'timeoutMs',
      message: /timeoutMs -1 is not a whole number of milliseconds/,
    });
    await assert.rejects(FeatureCache.start(unreachable(), { namespace: '', logger }), {
      field: 'namespace',
      message: /omit it to watch every namespace/,
    });
  });
});

describe('FEATURE_BUCKET_VIEW', () => {
  it('keeps identity, spec and the limit, and drops the rest of the status', () => {
    const bucket = {
      apiVersion: 'quota.miloapis.com/v1alpha1',
      kind: 'AllowanceBucket',
      metadata: {
        name: 'b',
        namespace: 'quota-system',
        resourceVersion: '7',
        annotations: { big: 'x'.repeat(1000) },
      },
      spec: { consumerRef: { kind: 'Organization', name: 'acme' }, resourceType: 'feature.example.com/x' },
      status: {
        limit: 1,
        allocated: 0,
        available: 1,
        claimCount: 0,
        grantCount: 1,
        contributingGrantRefs: [{ name: 'g', lastObservedGeneration: 1, amount: 1 }],
      },
    };
    const slim = FEATURE_BUCKET_VIEW.transform(bucket) as unknown as typeof bucket;
    assert.deepEqual(slim, {
      apiVersion: bucket.apiVersion,
      kind: bucket.kind,
      metadata: { name: 'b', namespace: 'quota-system', resourceVersion: '7' },
      spec: bucket.spec,
      status: { limit: 1 },
    });
    assert.equal(featureEnabled(slim), true);
    assert.deepEqual(FEATURE_BUCKET_VIEW.transform({ ...bucket, status: undefined }).status, undefined);
  });
});

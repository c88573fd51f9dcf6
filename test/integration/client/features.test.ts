// FeatureCache and the OpenFeature provider against a real control plane with the operator running: a
// Feature registration, a grant turning it on for one organization, the grant's deletion turning it off,
// all seen through the cache's watch (one cache, never restarted).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, OpenFeature } from '@openfeature/server-sdk';
import type { AllowanceBucket, ResourceRegistration } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { FEATURE_TYPE, FeatureCache, QuotaFeatureProvider } from '../../../src/client/index.ts';
import { bucketName, formatConsumerKey } from '../../../src/quota/index.ts';
import { makeGrant, makeRegistration, org } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const NS = 'quota-system';
const DNS = 'feature.example.com/ai-edge-dns';
const PROJECTS = 'example.com/projects';
const ACME = org('acme');
const BETA = org('beta');
const DOMAIN = 'features-test';

function featureRegistration(name: string, resourceType: string): ResourceRegistration {
  const reg = makeRegistration(name, resourceType);
  return {
    ...reg,
    spec: {
      ...reg.spec,
      type: FEATURE_TYPE,
      baseUnit: 'feature',
      displayUnit: 'feature',
    },
  };
}

describe('feature entitlements from AllowanceBuckets', () => {
  let cache: FeatureCache | undefined;
  const features = () => {
    assert.ok(cache, 'the cache is started in before()');
    return cache;
  };
  const flags = () => OpenFeature.getClient(DOMAIN);

  before(async () => {
    const { client } = env;
    await client.create(RESOURCES.registrations, featureRegistration('feature-ai-edge-dns', DNS));
    await client.create(RESOURCES.registrations, makeRegistration('projects', PROJECTS));
    cache = await FeatureCache.start(plane.current.kubeConfig, { timeoutMs: 30_000 });
    await OpenFeature.setProviderAndWait(DOMAIN, new QuotaFeatureProvider(cache));
  });

  after(async () => {
    await OpenFeature.clearProviders();
    await cache?.stop();
  });

  it('turns a feature on for the granted consumer only, through the watch', async () => {
    assert.equal(features().isEnabled(ACME, DNS), false, 'no grant yet');
    await env.client.create(RESOURCES.grants, makeGrant('acme-dns', NS, ACME).allow(DNS, 1).build());
    await eventually('ai-edge-dns on for acme', () => features().isEnabled(ACME, DNS));
    assert.equal(features().isEnabled(BETA, DNS), false, 'beta has no grant');

    const acme = { targetingKey: 'resourcemanager.miloapis.com/Organization/acme' };
    const details = await flags().getBooleanDetails(DNS, false, acme);
    assert.deepEqual(
      [details.value, details.reason, details.errorCode],
      [true, 'TARGETING_MATCH', undefined],
    );
    // upstream's contract: the registration name without feature-, and the organization attribute
    assert.equal(await flags().getBooleanValue('ai-edge-dns', false, { organization: 'acme' }), true);
    const beta = await flags().getBooleanDetails(DNS, true, { targetingKey: 'Organization/beta' });
    assert.deepEqual([beta.value, beta.reason], [false, 'DEFAULT'], 'a default of true does not enable it');
  });

  it('turns it off when the grant is deleted, without restarting the cache', async () => {
    await env.client.delete(RESOURCES.grants, NS, 'acme-dns');
    await eventually('ai-edge-dns off for acme', () => !features().isEnabled(ACME, DNS));
    const details = await flags().getBooleanDetails(DNS, true, { targetingKey: 'Organization/acme' });
    assert.deepEqual([details.value, details.reason], [false, 'DEFAULT']);
  });

  it('answers false for unknown features and for quantities, FLAG_NOT_FOUND through OpenFeature', async () => {
    await env.client.create(
      RESOURCES.grants,
      makeGrant('acme-projects', NS, ACME).allow(PROJECTS, 5).build(),
    );
    const name = bucketName(formatConsumerKey(ACME), PROJECTS);
    await eventually('the projects bucket of acme', async () => {
      const bucket = await env.client.get<AllowanceBucket>(RESOURCES.buckets, NS, name);
      return (bucket.status?.limit ?? 0) > 0;
    });
    assert.equal(features().isEnabled(ACME, 'feature.example.com/unknown'), false);
    assert.throws(() => features().isEnabled({ kind: 'Organization', name: '' }, DNS), {
      name: 'QuotaInputError',
      message: "consumer.name: is required; set the consumer's name",
    });
    assert.equal(features().isEnabled(ACME, PROJECTS), false, 'a quantity is not a feature');
    const unknown = await flags().getBooleanDetails('feature.example.com/unknown', true, {
      organization: 'acme',
    });
    assert.deepEqual([unknown.value, unknown.errorCode], [true, ErrorCode.FLAG_NOT_FOUND]);
    const quantity = await flags().getBooleanDetails(PROJECTS, false, { organization: 'acme' });
    assert.equal(quantity.errorCode, ErrorCode.FLAG_NOT_FOUND);
  });
});

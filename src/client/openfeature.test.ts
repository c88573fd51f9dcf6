import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { ResourceRegistration } from '../api/index.ts';
import { type FeatureConsumer, featureEnabled } from './features.ts';
import { consumerFromContext, type FeatureSource, QuotaFeatureProvider } from './openfeature.ts';

const GROUP = 'resourcemanager.miloapis.com';
const DNS = 'feature.example.com/ai-edge-dns';

function registration(name: string, resourceType: string): ResourceRegistration {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceRegistration',
    metadata: { name },
    spec: {
      consumerType: { apiGroup: GROUP, kind: 'Organization' },
      type: 'Feature',
      resourceType,
      baseUnit: 'feature',
      displayUnit: 'feature',
      unitConversionFactor: 1,
      claimingResources: [],
    },
  };
}

/** A FeatureCache stand-in: one feature, on for the consumers listed. */
class FakeSource implements FeatureSource {
  readonly on = new Set<string>();
  readonly listeners = new Set<() => void>();
  readonly reg = registration('feature-ai-edge-dns', DNS);
  resolveFlag(key: string) {
    return [DNS, 'feature-ai-edge-dns', 'ai-edge-dns'].includes(key) ? this.reg : undefined;
  }
  isEnabled(consumer: FeatureConsumer, feature: string) {
    if (consumer.name === '') throw new Error('consumer.name is required');
    return feature === DNS && this.on.has(`${consumer.apiGroup ?? ''}/${consumer.kind}/${consumer.name}`);
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

describe('featureEnabled', () => {
  it('is on only when the bucket has something available', () => {
    const status = (limit: number) => ({
      limit,
      allocated: 0,
      available: limit,
      claimCount: 0,
      grantCount: 1,
    });
    assert.equal(featureEnabled({ status: status(1) }), true);
    assert.equal(featureEnabled({ status: status(0) }), false);
    assert.equal(featureEnabled({}), false, 'a bucket the operator has not written yet');
    assert.equal(featureEnabled(undefined), false, 'no bucket');
  });
});

describe('consumerFromContext', () => {
  it('reads <group>/<Kind>/<name> and <Kind>/<name> targeting keys', () => {
    assert.deepEqual(consumerFromContext({ targetingKey: 'example.com/Team/red' }, GROUP), {
      consumer: { apiGroup: 'example.com', kind: 'Team', name: 'red' },
    });
    assert.deepEqual(consumerFromContext({ targetingKey: 'Organization/acme' }, GROUP), {
      consumer: { apiGroup: GROUP, kind: 'Organization', name: 'acme' },
    });
  });

  it("prefers the consumer attribute, then the targeting key, then upstream's organization attribute", () => {
    const consumer = { kind: 'Organization', name: 'beta', apiGroup: GROUP };
    assert.deepEqual(consumerFromContext({ consumer, targetingKey: 'Organization/acme' }, GROUP), {
      consumer,
    });
    assert.deepEqual(consumerFromContext({ targetingKey: 'Organization/acme', organization: 'x' }, GROUP), {
      consumer: { apiGroup: GROUP, kind: 'Organization', name: 'acme' },
    });
    assert.deepEqual(consumerFromContext({ organization: 'acme' }, GROUP), {
      consumer: { apiGroup: GROUP, kind: 'Organization', name: 'acme' },
    });
  });

  it('reports a missing consumer as TARGETING_KEY_MISSING and a malformed one as INVALID_CONTEXT', () => {
    const missing = consumerFromContext({}, GROUP);
    assert.ok('errorCode' in missing);
    assert.equal(missing.errorCode, ErrorCode.TARGETING_KEY_MISSING);
    assert.match(missing.errorMessage, /set targetingKey/);
    for (const [context, message] of [
      [{ targetingKey: 'acme' }, /targetingKey "acme" is not a consumer: use <apiGroup>\/<Kind>\/<name>/],
      [{ targetingKey: 'a/b/c/d' }, /targetingKey "a\/b\/c\/d"/],
      [{ targetingKey: 'Organization/' }, /targetingKey "Organization\/"/],
      [{ consumer: { kind: 'Organization' } }, /"consumer.name" is missing/],
      [{ consumer: 'acme' }, /"consumer" must be an object/],
      [{ organization: 7 }, /"organization" must be a non-empty name/],
    ] as const) {
      const result = consumerFromContext(context, GROUP);
      assert.ok('errorCode' in result, JSON.stringify(context));
      assert.equal(result.errorCode, ErrorCode.INVALID_CONTEXT);
      assert.match(result.errorMessage, message);
    }
  });
});

describe('QuotaFeatureProvider', () => {
  const acme = { targetingKey: `${GROUP}/Organization/acme` };

  it('is TARGETING_MATCH true for a granted consumer and DEFAULT false otherwise, whatever the default', async () => {
    const source = new FakeSource();
    source.on.add(`${GROUP}/Organization/acme`);
    const provider = new QuotaFeatureProvider(source);
    const on = await provider.resolveBooleanEvaluation(DNS, false, acme);
    assert.deepEqual([on.value, on.reason, on.errorCode], [true, 'TARGETING_MATCH', undefined]);
    assert.equal(on.flagMetadata?.resourceType, DNS);
    const off = await provider.resolveBooleanEvaluation(DNS, true, { targetingKey: 'Organization/beta' });
    assert.deepEqual([off.value, off.reason, off.errorCode], [false, 'DEFAULT', undefined]);
  });

  it('resolves upstream flag keys (registration name without feature-) to the same feature', async () => {
    const source = new FakeSource();
    source.on.add(`${GROUP}/Organization/acme`);
    const provider = new QuotaFeatureProvider(source);
    for (const key of ['ai-edge-dns', 'feature-ai-edge-dns']) {
      assert.equal(
        (await provider.resolveBooleanEvaluation(key, false, { organization: 'acme' })).value,
        true,
      );
    }
  });

  it('returns the default with FLAG_NOT_FOUND, TARGETING_KEY_MISSING and INVALID_CONTEXT', async () => {
    const provider = new QuotaFeatureProvider(new FakeSource());
    const unknown = await provider.resolveBooleanEvaluation('example.com/nope', true, acme);
    assert.deepEqual(
      [unknown.value, unknown.reason, unknown.errorCode],
      [true, 'ERROR', ErrorCode.FLAG_NOT_FOUND],
    );
    const anonymous = await provider.resolveBooleanEvaluation(DNS, true, {});
    assert.deepEqual([anonymous.value, anonymous.errorCode], [true, ErrorCode.TARGETING_KEY_MISSING]);
    const odd = await provider.resolveBooleanEvaluation(DNS, true, {
      consumer: { kind: 'Organization', name: '' },
    });
    assert.deepEqual([odd.value, odd.errorCode], [true, ErrorCode.INVALID_CONTEXT]);
  });

  it('answers TYPE_MISMATCH for non-boolean evaluations of a feature, FLAG_NOT_FOUND for unknown keys', async () => {
    const provider = new QuotaFeatureProvider(new FakeSource());
    const s = await provider.resolveStringEvaluation(DNS, 'x');
    assert.deepEqual([s.value, s.errorCode], ['x', ErrorCode.TYPE_MISMATCH]);
    assert.match(s.errorMessage ?? '', /boolean feature, not a string: use getBooleanValue/);
    assert.equal((await provider.resolveNumberEvaluation(DNS, 3)).errorCode, ErrorCode.TYPE_MISMATCH);
    assert.equal((await provider.resolveObjectEvaluation(DNS, {})).errorCode, ErrorCode.TYPE_MISMATCH);
    assert.equal((await provider.resolveStringEvaluation('nope', 'x')).errorCode, ErrorCode.FLAG_NOT_FOUND);
  });

  it('works through the OpenFeature SDK and emits ConfigurationChanged when the cache changes', async () => {
    const source = new FakeSource();
    const provider = new QuotaFeatureProvider(source);
    await OpenFeature.setProviderAndWait('unit', provider);
    try {
      const client = OpenFeature.getClient('unit');
      assert.equal(await client.getBooleanValue(DNS, false, acme), false);
      let changes = 0;
      client.addHandler(ProviderEvents.ConfigurationChanged, () => {
        changes += 1;
      });
      source.on.add(`${GROUP}/Organization/acme`);
      for (const listener of source.listeners) listener();
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(changes, 1);
      const details = await client.getBooleanDetails(DNS, false, acme);
      assert.deepEqual([details.value, details.reason], [true, 'TARGETING_MATCH']);
      const typed = await client.getStringDetails(DNS, 'fallback', acme);
      assert.deepEqual([typed.value, typed.errorCode], ['fallback', ErrorCode.TYPE_MISMATCH]);
    } finally {
      await OpenFeature.clearProviders();
    }
    assert.equal(source.listeners.size, 0, 'onClose unsubscribes from the cache');
  });
});

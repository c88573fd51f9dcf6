// Feature entitlements (ResourceRegistration spec.type Feature, upstream 5647ea0d): a boolean per consumer.
// There are no claims; a grant of the feature's resourceType to a consumer turns it on. The operator folds
// grants into the consumer's AllowanceBucket as usual, so "is feature X on for consumer Y" is read from
// Y's bucket for X. FeatureCache keeps the registrations and buckets in memory (list+watch, through the
// project's informer), so a check is a map lookup and follows grants within the watch's latency.
import type { KubeConfig } from '@kubernetes/client-node';
import { type AllowanceBucket, FEATURE_TYPE, type ResourceRegistration } from '../api/index.ts';
import { RESOURCES } from '../cache/index.ts';
import { type ConsumerRefInput, formatConsumerKey, featureEnabled as limitEnables } from '../quota/index.ts';
import {
  createLogger,
  type Informer,
  InformerFactory,
  type InformerView,
  identityMetadata,
  type KubeObject,
  type Logger,
} from '../runtime/index.ts';
import { QuotaClientError } from './errors.ts';

/** The registration type of a feature (src/api). */
export { FEATURE_TYPE };

/**
 * Upstream's naming convention: a feature registration is named `feature-<flag>` and its OpenFeature flag
 * key is the name without this prefix (milo docs/providers/openfeature.md).
 */
export const FEATURE_NAME_PREFIX = 'feature-';

export function isFeatureRegistration(registration: ResourceRegistration): boolean {
  return registration.spec.type === FEATURE_TYPE;
}

/**
 * Whether `bucket` (an AllowanceBucket of a Feature) turns the feature on for its consumer: the engine's one
 * rule (src/quota featureEnabled: limit > 0, i.e. an Active grant gives the consumer some of it) applied to
 * the bucket's status. A Feature has no claims, so limit equals available, and this agrees with upstream's
 * evaluation contract (`status.available > 0`). No bucket, or one the operator has not written yet, is off.
 */
export function featureEnabled(
  bucket: { readonly status?: { readonly limit: number } | undefined } | undefined,
): boolean {
  return limitEnables(bucket?.status);
}

/** Who a feature is checked for: a bucket's consumerRef (apiGroup omitted or '' for the core group). */
export type FeatureConsumer = ConsumerRefInput;

export interface FeatureCacheOptions {
  /** Watch buckets in this namespace only (e.g. organization-acme); default every namespace. */
  readonly namespace?: string;
  /** How long start() waits for the first list of both kinds. Default 30 000 ms. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** start() gave up: the caches did not fill in time (RBAC denies list/watch, or the apiserver is away). */
export class FeatureCacheNotReadyError extends QuotaClientError {
  constructor(timeoutMs: number, missing: readonly string[]) {
    super(
      `the feature cache could not list ${missing.join(' and ')} within ${timeoutMs} ms`,
      'check that the apiserver is reachable and that this identity may list and watch them (docs/client.md#rbac)',
      { field: 'timeoutMs' },
    );
  }
}

/**
 * What the cache keeps of a bucket: identity, spec and the limit (the rule reads nothing else). A bucket's
 * contributingGrantRefs can list thousands of grants; a service checking features should not hold them.
 */
export const FEATURE_BUCKET_VIEW: InformerView = {
  name: 'feature-bucket',
  transform: (obj: KubeObject): KubeObject => {
    const bucket = obj as unknown as AllowanceBucket;
    const slim = {
      apiVersion: bucket.apiVersion,
      kind: bucket.kind,
      metadata: identityMetadata(obj.metadata),
      spec: bucket.spec,
      ...(bucket.status === undefined ? {} : { status: { limit: bucket.status.limit } }),
    };
    return slim as unknown as KubeObject;
  },
};

const BY_CONSUMER_TYPE = 'feature:consumer-type';
const BY_RESOURCE_TYPE = 'feature:resource-type';

function bucketKey(consumer: FeatureConsumer, resourceType: string, field = 'consumerRef'): string {
  return `${formatConsumerKey(consumer, field)}\0${resourceType}`;
}

export class FeatureCache {
  readonly #factory: InformerFactory;
  readonly #buckets: Informer;
  readonly #registrations: Informer;
  readonly #listeners = new Set<() => void>();

  private constructor(kubeConfig: KubeConfig, options: FeatureCacheOptions) {
    const logger = options.logger ?? createLogger({ level: 'warn' });
    this.#factory = new InformerFactory(kubeConfig, logger.child({ component: 'feature-cache' }));
    const namespace = options.namespace === undefined ? {} : { namespace: options.namespace };
    this.#buckets = this.#factory.informerFor(RESOURCES.buckets, namespace, FEATURE_BUCKET_VIEW);
    this.#registrations = this.#factory.informerFor(RESOURCES.registrations);
    this.#buckets.addIndex(BY_CONSUMER_TYPE, (obj) => {
      const { spec } = obj as unknown as AllowanceBucket;
      try {
        return [bucketKey(spec.consumerRef, spec.resourceType)];
      } catch {
        return []; // a consumerRef no key can express is no consumer a caller can name
      }
    });
    this.#registrations.addIndex(BY_RESOURCE_TYPE, (obj) => [
      (obj as unknown as ResourceRegistration).spec.resourceType,
    ]);
    const changed = {
      onAdd: () => this.#changed(),
      onUpdate: () => this.#changed(),
      onDelete: () => this.#changed(),
    };
    this.#buckets.addEventHandler(changed);
    this.#registrations.addEventHandler(changed);
  }

  /** Lists and watches registrations and AllowanceBuckets; resolves once both are cached. */
  static async start(kubeConfig: KubeConfig, options: FeatureCacheOptions = {}): Promise<FeatureCache> {
    if (options.namespace === '') {
      throw new QuotaClientError('namespace "" names no namespace', 'omit it to watch every namespace', {
        field: 'namespace',
      });
    }
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) {
      throw new QuotaClientError(
        `timeoutMs ${timeoutMs} is not a whole number of milliseconds ≥ 0`,
        'pass e.g. 30000',
        {
          field: 'timeoutMs',
        },
      );
    }
    const cache = new FeatureCache(kubeConfig, options);
    cache.#factory.start();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      if (!(await cache.#factory.waitForSync(abort.signal))) {
        const missing = [
          ...(cache.#registrations.hasSynced() ? [] : ['resourceregistrations']),
          ...(cache.#buckets.hasSynced() ? [] : ['allowancebuckets']),
        ];
        await cache.stop();
        throw new FeatureCacheNotReadyError(timeoutMs, missing);
      }
    } finally {
      clearTimeout(timer);
    }
    return cache;
  }

  /** The Feature registration for `resourceType`, if one is registered. */
  feature(resourceType: string): ResourceRegistration | undefined {
    return this.#registrations
      .byIndex(BY_RESOURCE_TYPE, resourceType)
      .map((obj) => obj as unknown as ResourceRegistration)
      .find(isFeatureRegistration);
  }

  /**
   * The Feature registration a flag key names: its resourceType (e.g. `feature.example.com/x`), its
   * registration name (`feature-ai-edge-dns`), or that name without the `feature-` prefix (upstream's flag
   * keys: `ai-edge-dns`), tried in this order.
   */
  resolveFlag(flagKey: string): ResourceRegistration | undefined {
    const byName = (name: string) => {
      const obj = this.#registrations.get('', name) as unknown as ResourceRegistration | undefined;
      return obj !== undefined && isFeatureRegistration(obj) ? obj : undefined;
    };
    return this.feature(flagKey) ?? byName(flagKey) ?? byName(`${FEATURE_NAME_PREFIX}${flagKey}`);
  }

  /**
   * True when `feature` (a resourceType) is a registered Feature and `consumer`'s bucket for it is on
   * (featureEnabled). Unknown features, and consumers without a grant, are off. Throws a QuotaInputError
   * naming the field when the consumer has no kind or name.
   */
  isEnabled(consumer: FeatureConsumer, feature: string): boolean {
    const key = bucketKey(consumer, feature, 'consumer');
    if (this.feature(feature) === undefined) return false;
    return this.#buckets
      .byIndex(BY_CONSUMER_TYPE, key)
      .some((obj) => featureEnabled(obj as unknown as AllowanceBucket));
  }

  /** Calls `listener` after any change to a cached registration or bucket. Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops both watches; the cache keeps its last contents but no longer follows the cluster. */
  async stop(): Promise<void> {
    this.#listeners.clear();
    await this.#factory.stop();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

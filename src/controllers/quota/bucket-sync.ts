// AllowanceBuckets are derived: one per (consumer, resourceType) that a grant or a live claim mentions, its
// status computed from the figures. Buckets nothing mentions any more are zeroed, then deleted once they have
// stayed unreferenced for the grace period (SPEC §4.7). The consumer reconciler is their only writer.
import {
  ALLOWANCE_BUCKET,
  type AllowanceBucket,
  API_VERSION,
  LABEL_CONSUMER_KIND,
  LABEL_CONSUMER_NAME,
} from '../../api/index.ts';
import {
  type BucketFigures,
  bucketName,
  type ConsumerIdentity,
  emptyFigures,
  type FiguresByType,
} from '../../quota/index.ts';
import { isAlreadyExists, isNotFound, type KubeClient } from '../../runtime/index.ts';
import { RESOURCES } from '../resources.ts';
import { FIELD_MANAGER, writeStatus } from '../status-writer.ts';
import type { QuotaMetrics } from './metrics.ts';
import { nextBucketStatus } from './status.ts';

export interface BucketSyncInput {
  readonly client: KubeClient;
  readonly consumerKey: string;
  readonly consumer: ConsumerIdentity;
  readonly namespace: string;
  readonly figures: FiguresByType;
  readonly existing: readonly AllowanceBucket[];
  readonly now: Date;
  readonly gracePeriodMs: number;
  readonly metrics: QuotaMetrics;
  readonly signal: AbortSignal;
  /** Throws unless the leader lease is certainly still ours (Manager.assertLeading): called before each write. */
  readonly fence: () => void;
}

/** Brings the consumer's buckets in line; returns when to look again (ms), if some deletion is pending. */
export async function syncBuckets(input: BucketSyncInput): Promise<number | undefined> {
  const { consumerKey, figures, existing } = input;
  const wanted = new Map([...figures.values()].map((f) => [bucketName(consumerKey, f.resourceType), f]));
  let recheck: number | undefined;
  for (const [name, f] of wanted) {
    const bucket = existing.find((b) => b.metadata.name === name && b.metadata.namespace === input.namespace);
    await writeBucket(input, bucket ?? (await createBucket(input, name, f.resourceType)), f);
  }
  for (const bucket of existing) {
    if (wanted.has(bucket.metadata.name ?? '') && bucket.metadata.namespace === input.namespace) continue;
    const wait = await retireBucket(input, bucket);
    if (wait !== undefined) recheck = Math.min(recheck ?? wait, wait);
  }
  return recheck;
}

async function createBucket(
  input: BucketSyncInput,
  name: string,
  resourceType: string,
): Promise<AllowanceBucket> {
  const { apiGroup, kind, namespace, name: consumerName } = input.consumer;
  const bucket: AllowanceBucket = {
    apiVersion: API_VERSION,
    kind: ALLOWANCE_BUCKET,
    metadata: {
      name,
      namespace: input.namespace,
      labels: { [LABEL_CONSUMER_KIND]: kind, [LABEL_CONSUMER_NAME]: consumerName },
    },
    spec: {
      consumerRef: { apiGroup, kind, name: consumerName, ...(namespace === '' ? {} : { namespace }) },
      resourceType,
    },
  };
  try {
    input.fence();
    return await input.client.create(RESOURCES.buckets, bucket, {
      fieldManager: FIELD_MANAGER,
      signal: input.signal,
    });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    return input.client.get<AllowanceBucket>(RESOURCES.buckets, input.namespace, name, input.signal);
  }
}

async function writeBucket(
  input: BucketSyncInput,
  bucket: AllowanceBucket,
  figures: BucketFigures,
): Promise<void> {
  const status = nextBucketStatus(bucket.status, figures, bucket.metadata.generation ?? 0, input.now);
  const labels = {
    consumer_kind: input.consumer.kind,
    consumer_name: input.consumer.name,
    resource_type: figures.resourceType,
  };
  input.metrics.bucket(labels, figures);
  if (status === undefined) return;
  input.fence();
  await writeStatus(input.client, RESOURCES.buckets, bucket, status, { signal: input.signal });
}

/** Zeroes an unreferenced bucket, and deletes it once it has been unreferenced for the grace period. */
async function retireBucket(input: BucketSyncInput, bucket: AllowanceBucket): Promise<number | undefined> {
  const zero = emptyFigures(bucket.spec.resourceType);
  const status = nextBucketStatus(bucket.status, zero, bucket.metadata.generation ?? 0, input.now);
  if (status !== undefined) {
    input.fence();
    await writeStatus(input.client, RESOURCES.buckets, bucket, status, { signal: input.signal });
    return input.gracePeriodMs;
  }
  const since = Date.parse(bucket.status?.lastReconciliation ?? bucket.metadata.creationTimestamp ?? '');
  const remaining = (Number.isNaN(since) ? 0 : since) + input.gracePeriodMs - input.now.getTime();
  if (remaining > 0) return remaining;
  try {
    input.fence();
    await input.client.delete(
      RESOURCES.buckets,
      bucket.metadata.namespace ?? '',
      bucket.metadata.name ?? '',
      {
        ...(bucket.metadata.uid ? { uid: bucket.metadata.uid } : {}),
        signal: input.signal,
      },
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return undefined;
}

// AllowanceBuckets are derived: one per (consumer, resourceType) that a grant or a live claim mentions, its
// status computed from the figures. Buckets nothing mentions any more are zeroed, then deleted once they have
// stayed unreferenced for the grace period (SPEC §4.7). planBuckets says what each of a consumer's buckets
// should become (pure); the bucket writer (bucket-writer.ts) writes it, coalesced and budgeted.
import type { AllowanceBucket } from '../../api/index.ts';
import {
  type BucketFigures,
  type BucketNameFn,
  bucketName,
  type ConsumerIdentity,
  emptyFigures,
  type FiguresByType,
} from '../../quota/index.ts';
import { nextBucketStatus } from './status.ts';

/** What one bucket should become: a status showing `figures` (created first if missing), or deleted. */
export interface BucketTarget {
  readonly consumerKey: string;
  readonly consumer: ConsumerIdentity;
  readonly namespace: string;
  readonly name: string;
  readonly resourceType: string;
  /** The figures to show; undefined: delete the bucket (with its uid as a precondition). */
  readonly figures: BucketFigures | undefined;
  readonly uid?: string;
}

export interface BucketPlanInput {
  readonly consumerKey: string;
  readonly consumer: ConsumerIdentity;
  readonly namespace: string;
  readonly figures: FiguresByType;
  /** The consumer's buckets as stored (or as last written, when the cache has not caught up). */
  readonly existing: readonly AllowanceBucket[];
  readonly now: Date;
  readonly gracePeriodMs: number;
  /** The bucket name scheme (`--bucket-placement`). Default bucketName. */
  readonly name?: BucketNameFn;
}

export interface BucketPlan {
  /** Buckets whose stored state differs from what it should be. */
  readonly writes: readonly BucketTarget[];
  /**
   * The consumer's buckets that already show what they should, as targets: judged against the cache, which
   * a write still in flight may be about to change (the writer then writes these figures after it).
   */
  readonly clean: readonly BucketTarget[];
  /** When to look again (ms), if some deletion is pending. */
  readonly recheckMs: number | undefined;
}

export const bucketKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Whether `bucket` (undefined: missing) does not show `figures` yet: its status would be written. */
export function bucketStale(bucket: AllowanceBucket | undefined, figures: BucketFigures, now: Date): boolean {
  if (bucket === undefined) return true;
  return nextBucketStatus(bucket.status, figures, bucket.metadata.generation ?? 0, now) !== undefined;
}

/** What the consumer's buckets should become. Pure. */
export function planBuckets(input: BucketPlanInput): BucketPlan {
  const { consumerKey, consumer, namespace, figures, existing, now } = input;
  const writes: BucketTarget[] = [];
  const clean: BucketTarget[] = [];
  let recheckMs: number | undefined;
  const base = { consumerKey, consumer };
  const wanted = new Set<string>();
  for (const f of figures.values()) {
    const name = (input.name ?? bucketName)(consumerKey, f.resourceType);
    wanted.add(name);
    const bucket = existing.find((b) => b.metadata.name === name && b.metadata.namespace === namespace);
    const target = { ...base, namespace, name, resourceType: f.resourceType, figures: f };
    if (bucketStale(bucket, f, now)) writes.push(target);
    else clean.push(target);
  }
  for (const bucket of existing) {
    const name = bucket.metadata.name ?? '';
    const ns = bucket.metadata.namespace ?? '';
    if (wanted.has(name) && ns === namespace) continue;
    const target = { ...base, namespace: ns, name, resourceType: bucket.spec.resourceType };
    const zero = emptyFigures(bucket.spec.resourceType);
    if (bucketStale(bucket, zero, now)) {
      // zeroed first; the grace period runs from that write's lastReconciliation
      writes.push({ ...target, figures: zero });
      recheckMs = Math.min(recheckMs ?? input.gracePeriodMs, input.gracePeriodMs);
      continue;
    }
    const since = Date.parse(bucket.status?.lastReconciliation ?? bucket.metadata.creationTimestamp ?? '');
    const remaining = (Number.isNaN(since) ? 0 : since) + input.gracePeriodMs - now.getTime();
    if (remaining > 0) {
      clean.push({ ...target, figures: zero });
      recheckMs = Math.min(recheckMs ?? remaining, remaining);
    } else {
      writes.push({
        ...target,
        figures: undefined,
        ...(bucket.metadata.uid ? { uid: bucket.metadata.uid } : {}),
      });
    }
  }
  return { writes, clean, recheckMs };
}

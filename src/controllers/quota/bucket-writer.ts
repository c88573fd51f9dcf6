// Writes AllowanceBuckets off the decision path. The consumer reconciler hands over what each bucket should
// become (bucket-sync.ts) and goes on deciding; this runnable writes the buckets in the background,
// coalesced (latest figures win, one write in flight per bucket) and budgeted against the claim writes
// (bucket-budget.ts). It remembers what it wrote until the cache shows it, so a pass in between neither
// writes the same status again nor creates a bucket twice, and its own watch events need no pass.
// Fencing: every write checks the lease first (Manager.assertLeading), like the claim writes.
import {
  ALLOWANCE_BUCKET,
  type AllowanceBucket,
  API_VERSION,
  LABEL_CONSUMER_KIND,
  LABEL_CONSUMER_NAME,
} from '../../api/index.ts';
import { BY_CONSUMER, RESOURCES, type TypedCache } from '../../cache/index.ts';
import { formatConsumerKey } from '../../quota/index.ts';
import {
  errorFields,
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  LeaseExpiredError,
  type Logger,
  type Runnable,
} from '../../runtime/index.ts';
import { FIELD_MANAGER, writeStatus } from '../status-writer.ts';
import { BucketBudget, type BucketBudgetOptions } from './bucket-budget.ts';
import { type BucketPlan, type BucketTarget, bucketKey, bucketStale } from './bucket-sync.ts';
import { nextBucketStatus } from './status.ts';

export interface BucketWriterOptions {
  readonly client: Pick<KubeClient, 'create' | 'get' | 'patch' | 'delete'>;
  readonly buckets: TypedCache<AllowanceBucket>;
  /** Throws unless the leader lease is certainly still ours (Manager.assertLeading). */
  readonly fence: () => void;
  readonly logger: Logger;
  readonly budget?: BucketBudgetOptions;
  /** Default Date.now. */
  readonly now?: () => number;
}

/** Our writes to one bucket that the cache has not shown yet. */
interface Written {
  readonly consumerKey: string;
  /**
   * Versions the cache may still show that are behind our last write: its resourceVersion before our first
   * write (undefined: not in the cache) and those of our earlier writes (a create before its status).
   */
  readonly behind: ReadonlySet<string | undefined>;
  /** The bucket as our last write left it; undefined once deleted. */
  readonly object: AllowanceBucket | undefined;
  /** When (ms): a record older than WRITTEN_TTL_MS is dropped, the cache trusted again. */
  readonly at: number;
}

/** Far longer than a watch event takes; a bound on what a lost echo can keep in memory. */
const WRITTEN_TTL_MS = 30_000;

/** Who holds `bucket` when it is not the target's consumer and resourceType (a name collision), else undefined. */
function otherHolder(bucket: AllowanceBucket, target: BucketTarget): string | undefined {
  let key: string;
  try {
    key = formatConsumerKey(bucket.spec.consumerRef);
  } catch {
    key = JSON.stringify(bucket.spec.consumerRef);
  }
  if (key === target.consumerKey && bucket.spec.resourceType === target.resourceType) return undefined;
  return `${key} ${bucket.spec.resourceType}`;
}

export class BucketWriter implements Runnable {
  readonly name = 'bucket-writer';
  readonly needLeaderElection = true;
  readonly #o: BucketWriterOptions;
  readonly #now: () => number;
  readonly #budget: BucketBudget<string>;
  readonly #targets = new Map<string, BucketTarget>();
  readonly #written = new Map<string, Written>();
  /** Consumer key → keys of the buckets we created that the cache may not show yet. */
  readonly #created = new Map<string, Set<string>>();
  readonly #flushes = new Set<Promise<void>>();
  #running = false;
  #pumpQueued = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: BucketWriterOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#budget = new BucketBudget(this.#now(), options.budget);
  }

  /** The bucket as it is: the cache, or our own last write while the cache has not shown it yet. */
  #current(namespace: string, name: string): AllowanceBucket | undefined {
    const key = bucketKey(namespace, name);
    const cached = this.#o.buckets.get(namespace, name);
    const written = this.#written.get(key);
    if (written === undefined) return cached;
    const fresh = this.#now() - written.at < WRITTEN_TTL_MS;
    if (fresh && written.behind.has(cached?.metadata.resourceVersion)) return written.object;
    this.#forget(key); // the cache has caught up: it shows our last write or a later one
    return cached;
  }

  /** The consumer's buckets as current() sees them, including ones we created that the cache lacks. */
  consumerBuckets(consumerKey: string): AllowanceBucket[] {
    const out: AllowanceBucket[] = [];
    const seen = new Set<string>();
    for (const cached of this.#o.buckets.byIndex(BY_CONSUMER, consumerKey)) {
      const { namespace = '', name = '' } = cached.metadata;
      seen.add(bucketKey(namespace, name));
      const bucket = this.#current(namespace, name);
      if (bucket !== undefined) out.push(bucket);
    }
    for (const key of this.#created.get(consumerKey) ?? []) {
      const written = this.#written.get(key);
      if (seen.has(key) || written === undefined) continue;
      const { namespace = '', name = '' } = written.object?.metadata ?? {};
      const bucket = this.#current(namespace, name);
      if (bucket !== undefined) out.push(bucket);
    }
    return out;
  }

  /** Takes a consumer's plan: its stale buckets are (still) to be written, with these latest targets. */
  apply(plan: BucketPlan): void {
    const now = this.#now();
    let dirty = plan.writes.length > 0;
    for (const target of plan.clean) {
      const key = bucketKey(target.namespace, target.name);
      // Judged clean when the pass planned, but the plan gate held it until the pass's claim writes landed:
      // a write in flight, or one made meanwhile, may have left older figures. These are written after it.
      if (this.#budget.writing(key) || this.#differs(target)) {
        this.#targets.set(key, target);
        this.#budget.markDirty(key, now);
        dirty = true;
      } else {
        this.#budget.clean(key);
        this.#targets.delete(key);
      }
    }
    for (const target of plan.writes) {
      const key = bucketKey(target.namespace, target.name);
      this.#targets.set(key, target);
      this.#budget.markDirty(key, now);
    }
    if (dirty) this.#pump();
  }

  /** Whether the bucket as it is now (cache or our last write) does not show the target's figures. */
  #differs(target: BucketTarget): boolean {
    if (target.figures === undefined) return true;
    const bucket = this.#current(target.namespace, target.name);
    return bucketStale(bucket, target.figures, new Date(this.#now()));
  }

  /** A claim (or grant) status write was sent: it earns bucket writes and keeps the budget on. */
  claimWritten(): void {
    this.#budget.claimWritten(this.#now());
    this.#pump();
  }

  /** Whether a bucket watch event only shows our own write (no pass needed). Forgets the write then. */
  ownEcho(bucket: AllowanceBucket, deleted: boolean): boolean {
    const { namespace = '', name = '', resourceVersion } = bucket.metadata;
    const key = bucketKey(namespace, name);
    const written = this.#written.get(key);
    if (written === undefined) return false;
    if (deleted) {
      const own = written.object === undefined && written.behind.has(resourceVersion);
      if (own) this.#forget(key);
      return own;
    }
    if (written.behind.has(resourceVersion)) return true; // an earlier write of ours; the last one follows
    const last = written.object?.metadata.resourceVersion === resourceVersion;
    if (last) this.#forget(key);
    return last;
  }

  /** Dirty buckets, writes in flight, writes not yet seen in the cache, the write counts so far (tests). */
  stats(): {
    dirty: number;
    inFlight: number;
    remembered: number;
    claimWrites: number;
    bucketWrites: number;
  } {
    const { dirty, inFlight } = this.#budget;
    return { dirty, inFlight, remembered: this.#written.size, ...this.#budget.counts };
  }

  #forget(key: string): void {
    const written = this.#written.get(key);
    if (written === undefined) return;
    this.#written.delete(key);
    const created = this.#created.get(written.consumerKey);
    created?.delete(key);
    if (created?.size === 0) this.#created.delete(written.consumerKey);
  }

  async start(signal: AbortSignal): Promise<void> {
    this.#running = true;
    this.#pump();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.#running = false;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#flushes]);
  }

  /** Starts every write the budget allows now (soon, once per turn), and a timer for the next. */
  #pump(): void {
    if (!this.#running || this.#pumpQueued) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      if (!this.#running) return;
      const now = this.#now();
      for (let key = this.#budget.next(now); key !== undefined; key = this.#budget.next(now)) {
        const flush = this.#flush(key);
        this.#flushes.add(flush);
        void flush.finally(() => this.#flushes.delete(flush));
      }
      const at = this.#budget.wakeAt(now);
      if (at !== undefined) this.#wakeAt(at, now);
    });
  }

  #wakeAt(at: number, now: number): void {
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(1, at - now),
    );
  }

  async #flush(key: string): Promise<void> {
    const counter = { writes: 0 };
    let ok = true;
    try {
      const target = this.#targets.get(key);
      if (target !== undefined) await this.#write(target, counter);
    } catch (error) {
      ok = false;
      if (!(error instanceof LeaseExpiredError)) {
        this.#o.logger.warn('bucket write failed; retrying', { bucket: key, ...errorFields(error) });
      }
    }
    this.#budget.done(key, this.#now(), { ok, writes: counter.writes });
    if (!this.#budget.has(key)) this.#targets.delete(key);
    this.#pump();
  }

  async #write(target: BucketTarget, counter: { writes: number }): Promise<void> {
    const { namespace, name } = target;
    const key = bucketKey(namespace, name);
    let bucket = this.#current(namespace, name);
    // What the cache showed before a request: it cannot show that request's outcome yet (an echo that
    // arrives before the answer then leaves the cache at a version not in `behind`, which ends the record).
    const cachedVersion = () => this.#o.buckets.get(namespace, name)?.metadata.resourceVersion;
    const remember = (before: string | undefined, object: AllowanceBucket | undefined) => {
      const previous = this.#written.get(key);
      const behind = new Set(previous?.behind ?? []);
      behind.add(before);
      if (previous?.object !== undefined) behind.add(previous.object.metadata.resourceVersion);
      this.#written.set(key, { consumerKey: target.consumerKey, behind, object, at: this.#now() });
      if (!behind.has(undefined)) return;
      const created = this.#created.get(target.consumerKey) ?? new Set<string>();
      this.#created.set(target.consumerKey, created.add(key));
    };
    if (target.figures === undefined) {
      if (bucket === undefined || (target.uid !== undefined && bucket.metadata.uid !== target.uid)) return;
      this.#o.fence();
      counter.writes += 1;
      const before = cachedVersion();
      try {
        const uid = bucket.metadata.uid;
        await this.#o.client.delete(RESOURCES.buckets, namespace, name, uid ? { uid } : {});
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      remember(before, undefined);
      return;
    }
    if (bucket === undefined) {
      const before = cachedVersion();
      bucket = await this.#create(target, counter);
      remember(before, bucket);
    }
    const holder = otherHolder(bucket, target);
    if (holder !== undefined) {
      // never show one consumer's figures on another's bucket (Milo's names, --bucket-placement=milo, are
      // not injective); retried with backoff, so it heals once the other bucket is gone
      throw new Error(
        `AllowanceBucket ${key} belongs to ${holder}, not to ${target.consumerKey} ${target.resourceType}: the bucket names of --bucket-placement collide; delete that bucket or use --bucket-placement=default`,
      );
    }
    const status = nextBucketStatus(
      bucket.status,
      target.figures,
      bucket.metadata.generation ?? 0,
      new Date(this.#now()),
    );
    if (status === undefined) return;
    this.#o.fence();
    counter.writes += 1;
    const before = cachedVersion();
    remember(before, await writeStatus<AllowanceBucket>(this.#o.client, RESOURCES.buckets, bucket, status));
  }

  async #create(target: BucketTarget, counter: { writes: number }): Promise<AllowanceBucket> {
    const { apiGroup, kind, namespace, name: consumerName } = target.consumer;
    const bucket: AllowanceBucket = {
      apiVersion: API_VERSION,
      kind: ALLOWANCE_BUCKET,
      metadata: {
        name: target.name,
        namespace: target.namespace,
        labels: { [LABEL_CONSUMER_KIND]: kind, [LABEL_CONSUMER_NAME]: consumerName },
      },
      spec: {
        consumerRef: { apiGroup, kind, name: consumerName, ...(namespace === '' ? {} : { namespace }) },
        resourceType: target.resourceType,
      },
    };
    this.#o.fence();
    counter.writes += 1;
    try {
      return await this.#o.client.create(RESOURCES.buckets, bucket, { fieldManager: FIELD_MANAGER });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      return this.#o.client.get<AllowanceBucket>(RESOURCES.buckets, target.namespace, target.name);
    }
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket } from '../../api/index.ts';
import { BY_CONSUMER, bucketConsumer, RESOURCES, type TypedCache, typedCache } from '../../cache/index.ts';
import { type BucketFigures, computeFigures } from '../../quota/index.ts';
import { ACME, CONSUMER } from '../../quota/test-builders.ts';
import { FakeClient, FakeSource } from '../../runtime/fake/index.ts';
import { createLogger, LeaseExpiredError } from '../../runtime/index.ts';
import { planBuckets } from './bucket-sync.ts';
import { BucketWriter } from './bucket-writer.ts';

const consumer = ACME;
const consumerKey = CONSUMER;
const NS = 'quota-system';
const TYPE = 'projects';

const figures = (allocated: number) =>
  computeFigures({
    grants: [{ namespace: NS, name: 'g', active: true, allowances: [{ resourceType: TYPE, amount: 10 }] }],
    claims: Array.from({ length: allocated }, (_, i) => ({
      namespace: 'ns',
      name: `c${i}`,
      uid: `u${i}`,
      creationTimestamp: 0,
      requests: [{ resourceType: TYPE, amount: 1 }],
      allocations: [{ resourceType: TYPE, status: 'Granted' as const, allocatedAmount: 1 }],
    })),
  });

/**
 * The apiserver (the shared fake client) and a bucket cache that shows its objects only when told to (`sync`:
 * the watch catches up), or before each status write's answer (`echoFirst`).
 */
class FakeApi {
  readonly client = new FakeClient();
  readonly #source = new FakeSource({ resource: RESOURCES.buckets });
  readonly cache: TypedCache<AllowanceBucket> = typedCache(this.#source.informer);
  #delivered: AllowanceBucket[] = [];

  constructor() {
    this.#source.informer.addIndex(BY_CONSUMER, bucketConsumer);
    this.#source.sync();
    this.#source.informer.addEventHandler({
      onAdd: (obj) => void this.#delivered.push(obj as AllowanceBucket),
      onUpdate: (_old, obj) => void this.#delivered.push(obj as AllowanceBucket),
    });
    this.client.pauseWatch();
    this.client.watch(RESOURCES.buckets, (type, obj) =>
      type === 'deleted' ? this.#source.delete(obj) : this.#source.add(obj),
    );
  }

  /** The watch delivers a status write before its answer arrives. */
  set echoFirst(on: boolean) {
    if (!on) return;
    this.client.use(async (req, next) => {
      const answer = await next();
      if (req.subresource === 'status') {
        this.client.resumeWatch();
        await new Promise((resolve) => setImmediate(resolve)); // the write's own event, before the answer
        this.client.pauseWatch();
      }
      return answer;
    });
  }

  get stored(): Map<string, AllowanceBucket> {
    const all = this.client.list<AllowanceBucket>(RESOURCES.buckets);
    return new Map(all.map((b) => [`${b.metadata.namespace}/${b.metadata.name}`, b]));
  }

  /** What the writer sent: `create|status|delete namespace/name` (deletes with their uid precondition). */
  get requests(): string[] {
    return this.client.requests
      .filter((r) => r.verb !== 'get')
      .map((r) => {
        const key = `${r.namespace}/${r.name}`;
        if (r.verb === 'delete') return `delete ${key} uid=${r.uid}`;
        return `${r.subresource === 'status' ? 'status' : r.verb} ${key}`;
      });
  }

  /** The watch catches up: the cache shows what is stored. Returns the buckets it changed. */
  sync(): AllowanceBucket[] {
    this.#delivered = [];
    this.client.resumeWatch();
    this.client.pauseWatch();
    return this.#delivered;
  }
}

/** A plan of one write to bucket `name`: its figures, or with figures undefined a delete by uid. */
const onlyWrite = (name: string, write: { figures: BucketFigures | undefined; uid?: string }) => ({
  writes: [{ consumerKey, consumer, namespace: NS, name, resourceType: TYPE, ...write }],
  clean: [],
  recheckMs: undefined,
});

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(fence: () => void = () => {}) {
  const api = new FakeApi();
  const writer = new BucketWriter({
    client: api.client,
    buckets: api.cache,
    fence,
    logger: createLogger({ silent: true }),
    budget: { retryMs: 10 },
  });
  const stop = new AbortController();
  const running = writer.start(stop.signal);
  const plan = (allocated: number) =>
    planBuckets({
      consumerKey,
      consumer,
      namespace: NS,
      figures: figures(allocated),
      existing: writer.consumerBuckets(consumerKey),
      now: new Date(),
      gracePeriodMs: 60_000,
    });
  const pass = (allocated: number) => writer.apply(plan(allocated));
  const close = async () => {
    stop.abort();
    await running;
  };
  return { api, writer, plan, pass, close };
}

describe('BucketWriter', () => {
  it('creates a missing bucket and writes its status, once, even before the cache shows it', async () => {
    const { api, writer, pass, close } = setup();
    pass(1);
    await settle();
    assert.equal(api.requests.length, 2);
    assert.match(api.requests[0] ?? '', /^create /);
    assert.match(api.requests[1] ?? '', /^status /);
    pass(1); // the cache has not caught up: the writer's own record answers
    await settle();
    assert.equal(api.requests.length, 2, 'no second create, no second status write');
    for (const bucket of api.sync()) assert.equal(writer.ownEcho(bucket, false), true, 'its own write');
    pass(1);
    await settle();
    assert.equal(api.requests.length, 2);
    assert.equal([...api.stored.values()][0]?.status?.allocated, 1);
    await close();
  });

  it('coalesces: a bucket changed several times before its write goes is written once, with the latest figures', async () => {
    const { api, pass, close } = setup();
    pass(1);
    pass(2);
    pass(3);
    await settle();
    api.sync();
    pass(3);
    await settle();
    assert.equal(api.requests.filter((r) => r.startsWith('status')).length, 1);
    assert.equal([...api.stored.values()][0]?.status?.allocated, 3);
    await close();
  });

  it('forgets its write once the cache shows it, even when the echo came before the answer', async () => {
    const { api, writer, pass, close } = setup();
    api.echoFirst = true;
    pass(1);
    await settle();
    assert.equal(api.requests.length, 2);
    assert.equal(writer.consumerBuckets(consumerKey)[0]?.status?.allocated, 1);
    assert.equal(writer.stats().remembered, 0, 'the cache is trusted again');
    await close();
  });

  it('a plan judged clean while an older write is in flight still ends with its figures', async () => {
    const { api, pass, close } = setup();
    pass(1);
    await settle();
    api.sync(); // stored and cached: allocated 1
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    api.client.use(async (req, next) => {
      if (req.subresource === 'status') {
        reached();
        await held;
      }
      return next();
    });
    pass(0); // a claim went: write allocated 0
    await arrived; // that write is in flight
    pass(1); // a claim came back: the cache still shows 1, so the plan finds the bucket clean
    release();
    await settle();
    api.sync();
    await settle();
    assert.equal(
      [...api.stored.values()][0]?.status?.allocated,
      1,
      'the last plan wins, not the write in flight',
    );
    await close();
  });

  // The consumer's plan gate holds a plan until its pass's claim writes land: meanwhile a later-made plan of
  // an earlier pass may be written. (Racing creates left acme's bucket at 0 with a claim Granted, for 30 s.)
  for (const cached of [false, true]) {
    it(`a plan judged clean, held while an older write landed${cached ? ' and was cached' : ''}, still ends with its figures`, async () => {
      const { api, writer, plan, pass, close } = setup();
      pass(1);
      await settle();
      api.sync(); // stored and cached: allocated 1
      const held = plan(1); // a claim granted: the bucket already shows 1, so the plan finds it clean
      pass(0); // the pass of an earlier claim's deletion, made before that grant was assumed: written at once
      await settle();
      if (cached) api.sync();
      assert.equal([...api.stored.values()][0]?.status?.allocated, 0);
      writer.apply(held); // the grant's write landed: its plan is released
      await settle();
      api.sync();
      await settle();
      assert.equal([...api.stored.values()][0]?.status?.allocated, 1, 'the released plan wins');
      await close();
    });
  }

  it("tells a change by someone else from its own write's echo", async () => {
    const { api, writer, pass, close } = setup();
    pass(1);
    await settle();
    const [bucket] = api.sync();
    assert.ok(bucket);
    const tampered = { ...bucket, metadata: { ...bucket.metadata, resourceVersion: '999' } };
    assert.equal(writer.ownEcho(tampered, false), false);
    await close();
  });

  it('writes nothing while the lease is not certainly held, and writes once it is', async () => {
    let leading = false;
    const { api, pass, close } = setup(() => {
      if (!leading) throw new LeaseExpiredError();
    });
    pass(1);
    await settle();
    assert.deepEqual(api.requests, []);
    leading = true;
    await new Promise((resolve) => setTimeout(resolve, 30)); // the retry
    await settle();
    assert.equal(api.requests.length, 2);
    await close();
  });

  it("never writes one consumer's figures on a bucket of the same name that another consumer holds", async () => {
    const { api, writer, close } = setup();
    const name = 'bucket-shared';
    api.client.add(RESOURCES.buckets, {
      apiVersion: 'quota.miloapis.com/v1alpha1',
      kind: 'AllowanceBucket',
      metadata: { namespace: NS, name, uid: 'other', generation: 1 },
      spec: {
        consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'other-org' },
        resourceType: TYPE,
      },
      status: { limit: 0, allocated: 0, available: 0, claimCount: 0, grantCount: 0 },
    } as AllowanceBucket);
    api.sync();
    writer.apply(
      planBuckets({
        consumerKey,
        consumer,
        namespace: NS,
        figures: figures(1),
        existing: [],
        now: new Date(),
        gracePeriodMs: 60_000,
        name: () => name,
      }),
    );
    await settle();
    assert.deepEqual(
      api.requests.filter((r) => r.startsWith('status')),
      [],
      'the other bucket is left alone',
    );
    assert.equal(api.stored.get(`${NS}/${name}`)?.status?.allocated, 0);
    await close();
  });

  it('deletes a bucket by uid once the plan says so', async () => {
    const { api, writer, close } = setup();
    writer.apply(onlyWrite('bucket-x', { figures: figures(0).get(TYPE) }));
    await settle();
    api.sync();
    const uidX = api.stored.get(`${NS}/bucket-x`)?.metadata.uid;
    assert.ok(uidX);
    writer.apply(onlyWrite('bucket-x', { figures: undefined, uid: uidX }));
    await settle();
    assert.equal(api.requests.at(-1), `delete ${NS}/bucket-x uid=${uidX}`);
    assert.equal(writer.consumerBuckets(consumerKey).length, 0, 'gone, though the cache still shows it');
    await close();
  });
});

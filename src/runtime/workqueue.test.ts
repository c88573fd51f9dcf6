import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { Registry } from 'prom-client';
import { BucketRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter } from './rate-limiter.ts';
import { Workqueue } from './workqueue.ts';
import { queueMetrics } from './workqueue-metrics.ts';

/** Resolves to the key if `get` delivers within the current turn of the event loop, else 'pending'. */
async function poll(queue: Workqueue): Promise<string | undefined | 'pending'> {
  return Promise.race([queue.get(), new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

describe('Workqueue basics', () => {
  it('de-duplicates a key added many times while it waits', async () => {
    const queue = new Workqueue();
    for (let i = 0; i < 5; i++) queue.add('a');
    queue.add('b');
    assert.equal(queue.len(), 2);
    assert.equal(await queue.get(), 'a');
    assert.equal(await queue.get(), 'b');
    assert.equal(queue.len(), 0);
  });

  it('never hands a key to a second worker while it is in flight, and re-runs it after done', async () => {
    const queue = new Workqueue();
    queue.add('a');
    const first = await queue.get();
    assert.equal(first, 'a');
    queue.add('a'); // changed while processing
    queue.add('a');
    assert.equal(queue.len(), 0, 'an in-flight key is not queued');
    const second = queue.get();
    assert.equal(await poll(queue), 'pending');
    queue.done('a');
    assert.equal(await second, 'a', 'runs again exactly once after done');
    queue.done('a');
    assert.equal(await poll(queue), 'pending');
    queue.shutDown();
  });

  it('keeps FIFO order across keys and wakes a waiting worker on add', async () => {
    const queue = new Workqueue();
    const waiting = queue.get();
    queue.add('x');
    assert.equal(await waiting, 'x');
    for (const k of ['c', 'a', 'b']) queue.add(k);
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], ['c', 'a', 'b']);
  });

  it('processes with N workers concurrently but one key never twice at once', async () => {
    const queue = new Workqueue();
    const active = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const worker = async () => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        if (active.has(key)) overlaps++;
        active.add(key);
        await new Promise((r) => setTimeout(r, 1));
        if (processed < 200) queue.add(key); // re-add while in flight
        processed++;
        active.delete(key);
        queue.done(key);
      }
    };
    for (const k of ['a', 'b', 'c']) queue.add(k);
    const workers = Array.from({ length: 4 }, worker);
    while (processed < 200) await new Promise((r) => setTimeout(r, 5));
    queue.shutDown();
    await Promise.all(workers);
    assert.equal(overlaps, 0);
  });
});

describe('Workqueue delays and retries', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  const delayed = () =>
    new Workqueue({ rateLimiter: new ItemExponentialRateLimiter(10, 40), now: () => Date.now() });

  it('addAfter adds only once the delay has passed and keeps the earliest deadline', () => {
    const queue = delayed();
    queue.addAfter('a', 100);
    queue.addAfter('a', 500); // later deadline: ignored
    mock.timers.tick(99);
    assert.equal(queue.len(), 0);
    mock.timers.tick(1);
    assert.equal(queue.len(), 1);
    queue.addAfter('b', 500);
    queue.addAfter('b', 50); // earlier deadline wins
    mock.timers.tick(50);
    assert.equal(queue.len(), 2);
    mock.timers.tick(1000);
    assert.equal(queue.len(), 2, 'the replaced timer never fires');
  });

  it('addRateLimited backs off exponentially up to the cap; forget resets', async () => {
    const queue = delayed();
    const arrivals: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = Date.now();
      queue.addRateLimited('a');
      while (queue.len() === 0 && Date.now() - start < 10_000) mock.timers.tick(1);
      arrivals.push(Date.now() - start);
      queue.done((await queue.get()) ?? '');
    }
    assert.deepEqual(arrivals, [10, 20, 40, 40, 40]);
    assert.equal(queue.numRequeues('a'), 5);
    queue.forget('a');
    assert.equal(queue.numRequeues('a'), 0);
    queue.addRateLimited('a');
    mock.timers.tick(9);
    assert.equal(queue.len(), 0);
    mock.timers.tick(1);
    assert.equal(queue.len(), 1);
  });

  it('the overall bucket limits a storm of distinct failing keys', () => {
    const queue = new Workqueue({
      rateLimiter: new MaxOfRateLimiter(
        new ItemExponentialRateLimiter(5, 1000),
        new BucketRateLimiter(10, 3),
      ),
      now: () => Date.now(),
    });
    for (let i = 0; i < 5; i++) queue.addRateLimited(`k${i}`);
    mock.timers.tick(5);
    assert.equal(queue.len(), 3, 'the burst of 3 after the 5 ms per-item delay');
    mock.timers.tick(95);
    assert.equal(queue.len(), 4, 'one more after 100 ms at 10 qps');
    mock.timers.tick(100);
    assert.equal(queue.len(), 5);
  });
});

describe('Workqueue shutdown', () => {
  it('wakes idle workers, drops queued and delayed keys, and ignores new adds', async () => {
    const queue = new Workqueue();
    const idle = queue.get();
    queue.shutDown();
    assert.equal(await idle, undefined);
    queue.add('a');
    queue.addAfter('b', 1);
    assert.equal(queue.len(), 0);
    assert.equal(await queue.get(), undefined);
  });

  it('drains: waits for keys in flight, but does not start queued ones', async () => {
    const queue = new Workqueue();
    queue.add('a');
    queue.add('b');
    const key = await queue.get();
    assert.equal(key, 'a');
    setTimeout(() => queue.done('a'), 20);
    const started = Date.now();
    assert.equal(await queue.shutDownWithDrain(5000), true);
    assert.ok(Date.now() - started >= 15, 'returned only after the in-flight key was done');
    assert.equal(await queue.get(), undefined, 'queued b is not started after shutdown');
  });

  it('gives up at the drain deadline and reports it', async () => {
    const queue = new Workqueue();
    queue.add('stuck');
    await queue.get();
    assert.equal(await queue.shutDownWithDrain(20), false);
    assert.equal(queue.inFlight(), 1);
  });
});

describe('Workqueue metrics', () => {
  it('reports depth, adds, retries and latencies under controller-runtime names', async () => {
    const registry = new Registry();
    const queue = new Workqueue({
      metrics: (q) => queueMetrics(registry, 'things', () => q.inFlightSeconds()),
    });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.addRateLimited('c');
    const value = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.name === 'things')?.value;
    assert.equal(await value('workqueue_depth'), 2);
    assert.equal(await value('workqueue_adds_total'), 3, 'every add counts, even de-duplicated ones');
    assert.equal(await value('workqueue_retries_total'), 1);
    const key = await queue.get();
    await new Promise((r) => setTimeout(r, 10));
    assert.ok(((await value('workqueue_unfinished_work_seconds')) ?? 0) >= 0.005);
    queue.done(key ?? '');
    const text = await registry.metrics();
    assert.match(text, /workqueue_work_duration_seconds_count\{name="things",controller="things"\} 1/);
    assert.match(text, /workqueue_queue_duration_seconds_count\{name="things",controller="things"\} 1/);
    queue.shutDown();
  });
});

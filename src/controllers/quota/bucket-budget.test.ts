import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketBudget, type BucketBudgetOptions } from './bucket-budget.ts';

/** Takes every bucket next() gives at `now`, and finishes each at once with one write. */
function drain(budget: BucketBudget<string>, now: number): string[] {
  const taken: string[] = [];
  for (let key = budget.next(now); key !== undefined; key = budget.next(now)) taken.push(key);
  for (const key of taken) budget.done(key, now, { ok: true, writes: 1 });
  return taken;
}

const noFloor: BucketBudgetOptions = { floorPerSecond: 0, maxInFlight: 100 };

describe('BucketBudget', () => {
  it('writes at once when no claim is being written (quiet)', () => {
    const budget = new BucketBudget<string>(0, noFloor);
    budget.markDirty('a', 0);
    budget.markDirty('b', 0);
    assert.deepEqual(drain(budget, 0), ['a', 'b']);
    assert.equal(budget.dirty, 0);
  });

  it('under load, allows one bucket write per ten claim writes', () => {
    const budget = new BucketBudget<string>(0, { ...noFloor, maxCredits: 100 });
    let written = 0;
    // 1,000 claim writes, one per ms, over 50 buckets kept dirty all along
    for (let t = 1; t <= 1000; t++) {
      budget.claimWritten(t);
      budget.markDirty(`b${t % 50}`, t);
      written += drain(budget, t).length;
    }
    assert.ok(written >= 99 && written <= 100, `bucket writes ${written} for 1,000 claim writes`);
    assert.deepEqual(budget.counts, { claimWrites: 1000, bucketWrites: written });
  });

  it('writes the oldest dirty bucket first; marking a dirty bucket again keeps its place', () => {
    const budget = new BucketBudget<string>(0, noFloor);
    budget.claimWritten(0);
    budget.markDirty('old', 1);
    budget.markDirty('new', 2);
    budget.markDirty('old', 3); // latest figures, same place
    for (let i = 0; i < 9; i++) budget.claimWritten(4);
    assert.equal(budget.next(5), undefined, 'no credit yet: 9 claim writes earn 0.9');
    budget.claimWritten(5);
    assert.equal(budget.next(6), 'old');
    assert.equal(budget.next(6), undefined, 'one credit, one write');
  });

  it('keeps at most one write in flight per bucket; a mark during the write queues another', () => {
    const budget = new BucketBudget<string>(0, noFloor);
    budget.markDirty('a', 0);
    assert.equal(budget.next(0), 'a');
    budget.markDirty('a', 1);
    assert.equal(budget.next(1), undefined, 'a is in flight');
    assert.ok(budget.has('a'));
    budget.done('a', 2, { ok: true, writes: 1 });
    assert.equal(budget.next(2), 'a', 'the write with the latest figures');
  });

  it('caps writes in flight over all buckets: maxInFlight under load, quietMaxInFlight when quiet', () => {
    const budget = new BucketBudget<string>(0, {
      floorPerSecond: 0,
      maxInFlight: 2,
      quietMaxInFlight: 3,
      maxCredits: 100,
      quietMs: 250,
    });
    for (let i = 0; i < 100; i++) budget.claimWritten(0);
    for (const key of ['a', 'b', 'c', 'd']) budget.markDirty(key, 0);
    assert.equal(budget.next(1), 'a');
    assert.equal(budget.next(1), 'b');
    assert.equal(budget.next(1), undefined, 'two in flight under load, though credits are left');
    assert.equal(budget.wakeAt(1), 250, 'more may go once quiet (or when one is done)');
    assert.equal(budget.next(250), 'c');
    assert.equal(budget.next(250), undefined);
    assert.equal(budget.wakeAt(250), undefined, 'done() wakes the caller');
    budget.done('a', 260, { ok: true, writes: 1 });
    assert.equal(budget.next(260), 'd');
  });

  it('lifts the budget once no claim has been written for quietMs, and says when that is', () => {
    const budget = new BucketBudget<string>(0, { ...noFloor, quietMs: 250 });
    budget.claimWritten(1000);
    budget.markDirty('a', 1000);
    budget.markDirty('b', 1000);
    assert.equal(budget.next(1100), undefined);
    assert.equal(budget.wakeAt(1100), 1250);
    assert.deepEqual(drain(budget, 1250), ['a', 'b']);
  });

  it('earns floorPerSecond when claim writes earn less, so buckets move while claims trickle in', () => {
    const budget = new BucketBudget<string>(0, { floorPerSecond: 2, quietMs: 10_000 });
    budget.claimWritten(0);
    budget.markDirty('a', 0);
    assert.equal(budget.next(100), undefined);
    assert.equal(budget.wakeAt(100), 500, '1 credit at 2/s');
    budget.claimWritten(400); // 0.1 for this write, but 0.8 from 400 ms of floor
    assert.equal(budget.next(450), undefined);
    assert.equal(budget.next(500), 'a');
  });

  it('retries a failed write after retryMs, behind the other dirty buckets', () => {
    const budget = new BucketBudget<string>(0, { ...noFloor, retryMs: 1000 });
    budget.markDirty('a', 0);
    budget.markDirty('b', 0);
    assert.equal(budget.next(0), 'a');
    budget.done('a', 10, { ok: false, writes: 1 });
    assert.ok(budget.has('a'));
    assert.equal(budget.next(10), 'b');
    budget.done('b', 10, { ok: true, writes: 1 });
    assert.equal(budget.next(20), undefined);
    assert.equal(budget.wakeAt(20), 1010);
    assert.equal(budget.next(1010), 'a');
  });

  it('charges what a write made: a write that found nothing to change is refunded, a create plus status costs two', () => {
    const budget = new BucketBudget<string>(0, { ...noFloor, maxCredits: 100 });
    for (let i = 0; i < 20; i++) budget.claimWritten(0); // 2 credits, earned at the next tick
    budget.markDirty('same', 1);
    assert.equal(budget.next(1), 'same');
    budget.done('same', 1, { ok: true, writes: 0 }); // figures were right after all: refunded
    budget.markDirty('new', 1);
    assert.equal(budget.next(1), 'new');
    budget.done('new', 1, { ok: true, writes: 2 }); // create + status: both credits gone
    budget.markDirty('x', 1);
    assert.equal(budget.next(1), undefined);
    assert.equal(budget.counts.bucketWrites, 2);
  });

  it('clean() drops a bucket whose stored figures are right again', () => {
    const budget = new BucketBudget<string>(0, noFloor);
    budget.claimWritten(0);
    budget.markDirty('a', 0);
    budget.clean('a');
    assert.equal(budget.dirty, 0);
    assert.equal(budget.wakeAt(1), undefined);
  });

  it('keeps bucket writes within 10% of claim writes plus the floor over a long steady load', () => {
    const options = { ratio: 0.1, floorPerSecond: 1, quietMs: 250, maxInFlight: 4 };
    const budget = new BucketBudget<string>(0, options);
    let bucketWrites = 0;
    // 200 claim writes/s over 1,000 consumers for 60 s, each write taking 5 ms
    let inFlight: { key: string; at: number }[] = [];
    for (let t = 0, i = 0; t < 60_000; t += 5, i++) {
      budget.claimWritten(t);
      budget.markDirty(`c${i % 1000}`, t);
      for (const w of inFlight) if (w.at <= t) budget.done(w.key, t, { ok: true, writes: 1 });
      inFlight = inFlight.filter((w) => w.at > t);
      for (let key = budget.next(t); key !== undefined; key = budget.next(t)) {
        bucketWrites += 1;
        inFlight.push({ key, at: t + 5 });
      }
    }
    assert.ok(bucketWrites <= 0.1 * 12_000 + 60 + 5, `bucket writes ${bucketWrites} for 12,000 claim writes`);
    assert.ok(bucketWrites >= 0.1 * 12_000 - 5, `bucket writes ${bucketWrites}: the budget is used`);
  });
});

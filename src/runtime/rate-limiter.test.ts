import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BucketRateLimiter,
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
} from './rate-limiter.ts';

describe('ItemExponentialRateLimiter', () => {
  it('doubles from the base per failure and caps at the maximum', () => {
    const limiter = new ItemExponentialRateLimiter(5, 1_000_000);
    const delays = Array.from({ length: 20 }, () => limiter.when('a'));
    assert.deepEqual(delays.slice(0, 5), [5, 10, 20, 40, 80]);
    // 5 ms · 2^17 = 655 s, 2^18 would be 1310 s > 1000 s: capped from the 19th failure on.
    assert.equal(delays[17], 655_360);
    assert.equal(delays[18], 1_000_000);
    assert.equal(delays[19], 1_000_000);
    assert.equal(limiter.numRequeues('a'), 20);
  });

  it('keeps keys independent and forget resets only that key', () => {
    const limiter = new ItemExponentialRateLimiter(5, 1000);
    limiter.when('a');
    limiter.when('a');
    assert.equal(limiter.when('b'), 5);
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
    assert.equal(limiter.when('a'), 5);
    assert.equal(limiter.when('b'), 10);
  });

  it('stays at the cap after thousands of failures (no overflow to NaN)', () => {
    const limiter = new ItemExponentialRateLimiter(5, 1000);
    let last = 0;
    for (let i = 0; i < 5000; i++) last = limiter.when('a');
    assert.equal(last, 1000);
  });

  it('rejects nonsensical bounds with the field names', () => {
    assert.throws(() => new ItemExponentialRateLimiter(0, 10), /baseMs/);
    assert.throws(() => new ItemExponentialRateLimiter(10, 5), /maxMs/);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces calls at 1/qps', () => {
    const now = 0;
    const limiter = new BucketRateLimiter(10, 100, () => now);
    for (let i = 0; i < 100; i++) assert.equal(limiter.when(`k${i}`), 0);
    // The 101st has to wait for one token (100 ms at 10 qps), the 102nd for two.
    assert.equal(Math.round(limiter.when('x')), 100);
    assert.equal(Math.round(limiter.when('y')), 200);
  });

  it('refills with time, never above the burst', () => {
    let now = 0;
    const limiter = new BucketRateLimiter(10, 5, () => now);
    for (let i = 0; i < 5; i++) limiter.when('k');
    now = 250; // 2.5 tokens back
    assert.equal(limiter.when('k'), 0);
    assert.equal(limiter.when('k'), 0);
    assert.equal(Math.round(limiter.when('k')), 50);
    now = 1_000_000; // long idle: back to the burst of 5, not more
    for (let i = 0; i < 5; i++) assert.equal(limiter.when('k'), 0);
    assert.ok(limiter.when('k') > 0);
  });
});

describe('MaxOfRateLimiter / defaultControllerRateLimiter', () => {
  it('answers the longest delay and forgets in every limiter', () => {
    let now = 0;
    const limiter = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter(5, 1_000_000),
      new BucketRateLimiter(10, 2, () => now),
    );
    assert.equal(limiter.when('a'), 5); // bucket has a token, exponential says 5 ms
    assert.equal(limiter.when('a'), 10);
    assert.equal(Math.round(limiter.when('b')), 100); // bucket empty: 100 ms beats b's 5 ms
    assert.equal(limiter.numRequeues('a'), 2);
    limiter.forget('a');
    assert.equal(limiter.numRequeues('a'), 0);
    now = 10_000;
    assert.equal(limiter.when('a'), 5);
  });

  it('is exponential for one key while the bucket has tokens', () => {
    const limiter = defaultControllerRateLimiter(() => 0);
    assert.deepEqual(
      Array.from({ length: 4 }, () => limiter.when('k')),
      [5, 10, 20, 40],
    );
  });

  it('throttles a storm of distinct keys to 10 per second after a burst of 100', () => {
    const limiter = defaultControllerRateLimiter(() => 0);
    const delays = Array.from({ length: 120 }, (_, i) => limiter.when(`k${i}`));
    assert.equal(delays[99], 5);
    assert.equal(Math.round(delays[119] ?? 0), 2000);
  });
});

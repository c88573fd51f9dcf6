import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassPacer } from './pass-pacer.ts';

describe('PassPacer', () => {
  it('holds the next pass back for factor × the last pass, then lets it run and forgets the consumer', () => {
    const pacer = new PassPacer({ factor: 2, maxPauseMs: 20 });
    pacer.passed('big', 100, 105); // 5 ms → 10 ms pause
    assert.equal(pacer.wait('big', 106), 9);
    assert.equal(pacer.wait('big', 114.5), 0.5);
    assert.equal(pacer.wait('big', 115), 0);
    assert.equal(pacer.size, 0);
  });

  it('never pauses longer than maxPauseMs, and not at all after a short pass', () => {
    const pacer = new PassPacer({ factor: 2, maxPauseMs: 20, minPauseMs: 1 });
    pacer.passed('huge', 0, 50);
    assert.equal(pacer.wait('huge', 50), 20);
    pacer.passed('small', 0, 0.3);
    assert.equal(pacer.wait('small', 0.3), 0);
    pacer.passed('huge', 100, 100.2); // it got small again: no pause left over
    assert.equal(pacer.wait('huge', 100.2), 0);
    assert.equal(pacer.size, 0);
  });

  it('paces each consumer on its own', () => {
    const pacer = new PassPacer();
    pacer.passed('a', 0, 4);
    assert.equal(pacer.wait('b', 5), 0);
    assert.ok(pacer.wait('a', 5) > 0);
  });
});

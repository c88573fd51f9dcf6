import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addAmount, amountProblem, isAmount, MAX_AMOUNT, subtractAmount, sumAmounts } from './amount.ts';

describe('amounts', () => {
  it('caps at 2^53-1, the largest exact JavaScript integer', () => {
    assert.equal(MAX_AMOUNT, 2 ** 53 - 1);
    assert.equal(MAX_AMOUNT, Number.MAX_SAFE_INTEGER);
  });

  it('accepts integers within bounds only', () => {
    assert.equal(isAmount(0), true);
    assert.equal(isAmount(0, 1), false);
    assert.equal(isAmount(MAX_AMOUNT), true);
    assert.equal(isAmount(MAX_AMOUNT + 1), false);
    assert.equal(isAmount(1.5), false);
    assert.equal(isAmount('1'), false);
  });

  it('explains each problem', () => {
    assert.equal(amountProblem(0, 1), 'amount must be greater than 0');
    assert.equal(amountProblem(-1, 0), 'amount must not be negative');
    assert.match(amountProblem(2 ** 53, 0) ?? '', /at most 9007199254740991/);
    assert.match(amountProblem(0.5, 0) ?? '', /whole number/);
    assert.equal(amountProblem(Number.NaN, 0), 'amount must be an integer');
    assert.equal(amountProblem(5, 1), undefined);
  });

  it('saturates sums and floors remaining capacity at zero', () => {
    assert.equal(addAmount(MAX_AMOUNT, MAX_AMOUNT), MAX_AMOUNT);
    assert.equal(sumAmounts([1, 2, 3]), 6);
    assert.equal(sumAmounts([MAX_AMOUNT, 1]), MAX_AMOUNT);
    assert.equal(subtractAmount(5, 7), 0);
    assert.equal(subtractAmount(7, 5), 2);
  });
});

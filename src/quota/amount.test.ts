import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addAmount, checkAmount, isAmount, MAX_AMOUNT, subtractAmount, sumAmounts } from './amount.ts';
import { QuotaInputError } from './errors.ts';

describe('amount', () => {
  const valid: Record<string, number> = { zero: 0, one: 1, max: MAX_AMOUNT };
  for (const [name, value] of Object.entries(valid)) {
    it(`accepts ${name}`, () => assert.equal(checkAmount(value, 'x'), value));
  }

  const invalid: Record<string, unknown> = {
    negative: -1,
    fraction: 1.5,
    'above 2^53-1': MAX_AMOUNT + 1,
    'not a number': Number.NaN,
    infinity: Number.POSITIVE_INFINITY,
    string: '5',
    bigint: 5n,
  };
  for (const [name, value] of Object.entries(invalid)) {
    it(`rejects ${name} with an error naming the field and the fix`, () => {
      assert.equal(isAmount(value), false);
      assert.throws(
        () => checkAmount(value, 'spec.requests[0].amount'),
        (error: unknown) =>
          error instanceof QuotaInputError &&
          error.field === 'spec.requests[0].amount' &&
          error.message.includes('whole number of base units between 0 and 9007199254740991'),
      );
    });
  }

  it('saturates sums at 2^53-1 instead of rounding', () => {
    assert.equal(addAmount(MAX_AMOUNT, MAX_AMOUNT), MAX_AMOUNT);
    assert.equal(addAmount(MAX_AMOUNT - 1, 1), MAX_AMOUNT);
    assert.equal(sumAmounts([MAX_AMOUNT, 1, 2]), MAX_AMOUNT);
    assert.equal(sumAmounts([]), 0);
  });

  it('clamps differences at zero', () => {
    assert.equal(subtractAmount(3, 5), 0);
    assert.equal(subtractAmount(5, 3), 2);
  });

  it('adds exactly below the cap and never exceeds it', () => {
    const amount = fc.nat({ max: MAX_AMOUNT });
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const sum = addAmount(a, b);
        assert.ok(isAmount(sum));
        if (BigInt(a) + BigInt(b) <= BigInt(MAX_AMOUNT)) assert.equal(BigInt(sum), BigInt(a) + BigInt(b));
        else assert.equal(sum, MAX_AMOUNT);
      }),
    );
  });
});

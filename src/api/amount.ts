// Quota amounts are integers in a registration's base unit. Milo stores them as int64; we cap them at
// 2^53-1 so that every amount is exactly representable as a JavaScript number. The CRD schemas carry the
// same cap (`maximum: 9007199254740991`), so the apiserver rejects larger values instead of us rounding them.
// This is the one definition of amounts: the quota engine uses these helpers too.

/** The largest amount the API accepts: 2^53-1 (Number.MAX_SAFE_INTEGER). */
export const MAX_AMOUNT = 9007199254740991;

/** An amount in base units: a safe integer in [0, MAX_AMOUNT]. */
export type Amount = number;

/** True when `value` is an integer in [min, MAX_AMOUNT]. */
export function isAmount(value: unknown, min = 0): value is Amount {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= MAX_AMOUNT;
}

/**
 * Explains why `value` is not a valid amount (or returns undefined when it is). `min` is 1 for claim
 * requests (asking for nothing is a mistake) and 0 for grants (a zero grant is allowed and adds nothing).
 */
export function amountProblem(value: unknown, min: 0 | 1): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'amount must be an integer';
  if (!Number.isInteger(value)) return `amount must be a whole number of base units, got ${value}`;
  if (value < min) return min === 1 ? 'amount must be greater than 0' : 'amount must not be negative';
  if (value > MAX_AMOUNT) return `amount must be at most ${MAX_AMOUNT} (2^53-1), got ${value}`;
  return undefined;
}

/**
 * a + b, saturating at MAX_AMOUNT so sums of many grants never lose precision silently. Both inputs are
 * amounts, so the exact sum (at most 2^54-2, even) is representable before the cap applies.
 */
export function addAmount(a: Amount, b: Amount): Amount {
  return Math.min(MAX_AMOUNT, a + b);
}

/** Sum of amounts, saturating at MAX_AMOUNT. */
export function sumAmounts(values: Iterable<Amount>): Amount {
  let total = 0;
  for (const v of values) total = addAmount(total, v);
  return total;
}

/** max(0, a - b): what is left of a limit once b is allocated ("available" never goes negative). */
export function subtractAmount(a: Amount, b: Amount): Amount {
  return Math.max(0, a - b);
}

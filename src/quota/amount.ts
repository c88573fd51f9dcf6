// Quota amounts are integers in base units, capped at 2^53-1 (the CRD schema maximum) so that JavaScript
// numbers stay exact. Sums saturate at the cap instead of losing precision; nothing is ever rounded.
import { QuotaInputError } from './errors.ts';

/** 2^53-1: the largest amount the API accepts (`maximum: 9007199254740991`). */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;

/** True for an integer in [0, 2^53-1]. */
export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Returns `value` if it is a valid amount, else throws a QuotaInputError naming `field`. */
export function checkAmount(value: unknown, field: string): number {
  if (isAmount(value)) return value;
  throw new QuotaInputError(
    field,
    `${String(value)} is not a valid amount; use a whole number of base units between 0 and ${MAX_AMOUNT}`,
  );
}

/** a + b, saturating at MAX_AMOUNT. Both inputs are amounts, so the exact sum (≤ 2^54-2, even) is representable. */
export function addAmount(a: number, b: number): number {
  return Math.min(MAX_AMOUNT, a + b);
}

/** max(0, a - b): "available" never goes negative; an over-committed bucket shows 0. */
export function subtractAmount(a: number, b: number): number {
  return Math.max(0, a - b);
}

/** Saturating sum of amounts. */
export function sumAmounts(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total = addAmount(total, value);
  return total;
}

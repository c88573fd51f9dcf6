// Quota amounts are src/api's (one definition of the 2^53-1 cap and of the saturating arithmetic, which
// never rounds); the engine re-exports them and adds checkAmount, which throws instead of guessing.
import { isAmount, MAX_AMOUNT } from '../api/index.ts';
import { QuotaInputError } from './errors.ts';

export { addAmount, isAmount, MAX_AMOUNT, subtractAmount, sumAmounts } from '../api/index.ts';

/** Returns `value` if it is a valid amount, else throws a QuotaInputError naming `field`. */
export function checkAmount(value: unknown, field: string): number {
  if (isAmount(value)) return value;
  throw new QuotaInputError(
    field,
    `${String(value)} is not a valid amount; use a whole number of base units between 0 and ${MAX_AMOUNT}`,
  );
}

// The engine refuses snapshots that break the API's own rules instead of deciding on guessed numbers. The
// CRD schemas already enforce these bounds, so a failure here means an adapter bug or a bypassed schema.
import { checkAmount } from './amount.ts';
import { parseConsumerKey } from './consumer.ts';
import { QuotaInputError } from './errors.ts';
import type { ConsumerSnapshot } from './types.ts';
import { claimKey } from './types.ts';

function checkTime(value: number, field: string): void {
  if (!Number.isFinite(value)) {
    throw new QuotaInputError(
      field,
      `${value} is not a time; pass epoch milliseconds (e.g. Date.parse(timestamp))`,
    );
  }
}

/** Throws QuotaInputError naming the first bad field. */
export function validateSnapshot(snapshot: ConsumerSnapshot): void {
  parseConsumerKey(snapshot.consumerKey);
  checkTime(snapshot.now, 'now');
  if (snapshot.startupWait?.windowMs !== undefined) {
    checkAmount(snapshot.startupWait.windowMs, 'startupWait.windowMs');
  }
  for (const grant of snapshot.grants) {
    const at = `grants[${claimKey(grant)}]`;
    if (grant.generation !== undefined) checkAmount(grant.generation, `${at}.generation`);
    grant.allowances.forEach((allowance, i) => {
      checkAmount(allowance.amount, `${at}.allowances[${i}].amount`);
    });
  }
  const seen = new Set<string>();
  for (const claim of snapshot.claims) {
    const at = `claims[${claimKey(claim)}]`;
    if (seen.has(claimKey(claim))) {
      throw new QuotaInputError(at, 'appears twice in the snapshot; pass each claim once (the cache copy)');
    }
    seen.add(claimKey(claim));
    checkTime(claim.creationTimestamp, `${at}.creationTimestamp`);
    claim.requests.forEach((request, i) => {
      checkAmount(request.amount, `${at}.requests[${i}].amount`);
    });
    claim.allocations.forEach((allocation, i) => {
      if (allocation.allocatedAmount !== undefined) {
        checkAmount(allocation.allocatedAmount, `${at}.allocations[${i}].allocatedAmount`);
      }
    });
  }
}

// The engine refuses snapshots that break the API's own rules instead of deciding on guessed numbers. The
// CRD schemas already enforce these bounds, so a failure here means an adapter bug or a bypassed schema.
import { checkAmount, isAmount } from './amount.ts';
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

// Field paths are built only on failure: a snapshot can hold tens of thousands of claims.
function amount(value: number | undefined, field: () => string): void {
  if (value !== undefined && !isAmount(value)) checkAmount(value, field());
}

/** Throws QuotaInputError naming the first bad field. */
export function validateSnapshot(snapshot: ConsumerSnapshot): void {
  parseConsumerKey(snapshot.consumerKey);
  checkTime(snapshot.now, 'now');
  if (snapshot.decidingSince !== undefined) checkTime(snapshot.decidingSince, 'decidingSince');
  amount(snapshot.startupWait?.windowMs, () => 'startupWait.windowMs');
  for (const grant of snapshot.grants) {
    const at = () => `grants[${claimKey(grant)}]`;
    amount(grant.generation, () => `${at()}.generation`);
    grant.allowances.forEach((allowance, i) => {
      amount(allowance.amount, () => `${at()}.allowances[${i}].amount`);
    });
  }
  // names by namespace: no key string is built per claim (a busy consumer's pass walks hundreds)
  const seen = new Map<string, Set<string>>();
  for (const claim of snapshot.claims) {
    const at = () => `claims[${claimKey(claim)}]`;
    const names = seen.get(claim.namespace) ?? new Set<string>();
    if (names.size === 0) seen.set(claim.namespace, names);
    if (names.has(claim.name)) {
      throw new QuotaInputError(at(), 'appears twice in the snapshot; pass each claim once (the cache copy)');
    }
    names.add(claim.name);
    if (validClaims.has(claim)) continue;
    if (!Number.isFinite(claim.creationTimestamp))
      checkTime(claim.creationTimestamp, `${at()}.creationTimestamp`);
    claim.requests.forEach((request, i) => {
      amount(request.amount, () => `${at()}.requests[${i}].amount`);
    });
    claim.allocations.forEach((allocation, i) => {
      amount(allocation.allocatedAmount, () => `${at()}.allocations[${i}].allocatedAmount`);
    });
    validClaims.add(claim);
  }
}

/** Claim inputs already checked (they never change; a pass checks every claim of its consumer). */
const validClaims = new WeakSet<object>();

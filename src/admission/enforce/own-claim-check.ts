// The quota-kind webhook's create checks for the claims the enforcement webhook is about to create, run in
// this process. The operator's own claim creates skip the claim webhook (quota-webhook.ts, a match condition
// on its ServiceAccount), so what that webhook would refuse is refused here, from the same validators and the
// same shared registration cache, before any claim is created.
import {
  formatFieldErrors,
  type ResourceClaim,
  type ResourceRegistration,
  registrationLookup,
  validateResourceClaim,
  validateResourceClaimAgainstRegistrations,
} from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';

/** Why one of `claims` would be refused by the claim webhook, or undefined when none would. */
export async function ownClaimRefusal(
  registrations: Pick<TypedCache<ResourceRegistration>, 'list' | 'synced'>,
  claims: readonly ResourceClaim[],
  signal: AbortSignal,
): Promise<string | undefined> {
  let lookup: ReturnType<typeof registrationLookup> | undefined;
  for (const claim of claims) {
    let errors = validateResourceClaim(claim);
    if (errors.length === 0) {
      if (lookup === undefined) {
        await registrations.synced(signal);
        lookup = registrationLookup(registrations.list());
      }
      errors = validateResourceClaimAgainstRegistrations(claim, lookup);
    }
    if (errors.length > 0) {
      const key = `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;
      return `claim ${key} is invalid: ${formatFieldErrors(errors)}`;
    }
  }
  return undefined;
}

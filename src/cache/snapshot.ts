// Adapters from the API objects in the caches to the decision engine's plain inputs. The engine never sees
// Kubernetes metadata; everything it decides on passes through here.
import {
  CONDITION_ACTIVE,
  isConditionTrue,
  isRegistrationActive,
  isRegistrationPending,
  type ResourceClaim,
  type ResourceGrant,
  type ResourceRegistration,
} from '../api/index.ts';
import { messageDisplayUnits } from '../quota/display-units.ts';
import {
  allocationDetails,
  type ClaimInput,
  type ConsumerSnapshot,
  type GrantInput,
  memoizedPerObject,
  parseConsumerKey,
  type RegistrationInput,
  type SettledTotals,
} from '../quota/index.ts';
import { BY_CONSUMER } from './indexes.ts';
import type { QuotaKindCaches } from './resources.ts';
import { startupWaitFor } from './startup-wait.ts';

/** Registrations by resourceType. When two share a type, the Active one is kept (the registration controller
 * makes sure only the oldest is Active). */
export function registrationInputs(
  registrations: readonly ResourceRegistration[],
): Map<string, RegistrationInput> {
  const byType = new Map<string, RegistrationInput>();
  for (const registration of registrations) {
    // Messages show figures in display units too; the units come from this cached copy (no API call).
    const display = messageDisplayUnits(registration.spec);
    const input: RegistrationInput = {
      active: isRegistrationActive(registration),
      // Not evaluated yet: claims for its type wait for its evaluation instead of being denied.
      pending: isRegistrationPending(registration),
      type: registration.spec.type,
      ...(display === undefined ? {} : { display }),
    };
    const existing = byType.get(registration.spec.resourceType);
    if (existing === undefined || (!existing.active && input.active)) {
      byType.set(registration.spec.resourceType, input);
    }
  }
  return byType;
}

/**
 * A grant counts while its Active condition is True. The amounts are the current spec's: the grant
 * controller re-validates a changed spec within one reconcile, and treating the grant as inactive meanwhile
 * would deny claims for a moment whenever an admin raised a limit.
 */
export function grantInput(grant: ResourceGrant): GrantInput {
  return {
    namespace: grant.metadata.namespace ?? '',
    name: grant.metadata.name ?? '',
    active: isConditionTrue(grant.status?.conditions, CONDITION_ACTIVE),
    generation: grant.metadata.generation ?? 0,
    allowances: grant.spec.allowances.flatMap((allowance) =>
      allowance.buckets.map((bucket) => ({ resourceType: allowance.resourceType, amount: bucket.amount })),
    ),
  };
}

/**
 * A pass's claims, adapted once per cached copy (cached claims are replaced, never changed, on update): a
 * claim stays unsettled, and in every pass of its consumer, until its write lands. Settled claims are adapted
 * with toClaimInput instead, so nothing is kept for the many claims no pass reads (settled-claims.ts).
 */
export const claimInput: (claim: ResourceClaim) => ClaimInput = memoizedPerObject(toClaimInput);

/** The engine's view of a claim, made anew on each call. */
export function toClaimInput(claim: ResourceClaim): ClaimInput {
  const created = Date.parse(claim.metadata.creationTimestamp ?? '');
  return {
    namespace: claim.metadata.namespace ?? '',
    name: claim.metadata.name ?? '',
    uid: claim.metadata.uid ?? '',
    creationTimestamp: Number.isNaN(created) ? 0 : created,
    requests: claim.spec.requests.map(({ resourceType, amount }) => ({ resourceType, amount })),
    allocations: (claim.status?.allocations ?? []).map((allocation) => ({
      resourceType: allocation.resourceType,
      status: allocation.status,
      ...allocationDetails(allocation),
    })),
    deleting: claim.metadata.deletionTimestamp !== undefined,
  };
}

/** A consumer's claims as a pass reads them: every claim, or the unsettled ones and the settled ones' totals. */
export interface ConsumerClaimsView {
  readonly claims: readonly ResourceClaim[];
  readonly settled?: ReadonlyMap<string, SettledTotals>;
}

/** One consumer's state as the caches show it: what the decider decides on and admission dry-runs against. */
export function consumerSnapshot(
  caches: QuotaKindCaches,
  consumerKey: string,
  now: number,
  startupWaitMs: number,
  decidingSince?: number,
  view: ConsumerClaimsView = { claims: caches.claims.byIndex(BY_CONSUMER, consumerKey) },
): ConsumerSnapshot {
  const grants = caches.grants.byIndex(BY_CONSUMER, consumerKey);
  const consumer = parseConsumerKey(consumerKey);
  const registrations = caches.registrations.list();
  const policies = caches.grantPolicies.list();
  const startupWait = startupWaitFor(consumer, policies, grants, startupWaitMs, registrations);
  return {
    consumerKey,
    registrations: registrationInputs(registrations),
    grants: grants.map(grantInput),
    claims: view.claims.map(claimInput),
    ...(view.settled === undefined ? {} : { settled: view.settled }),
    now,
    ...(decidingSince === undefined ? {} : { decidingSince }),
    ...(startupWait === undefined ? {} : { startupWait }),
  };
}

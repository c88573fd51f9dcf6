// The start-up race (SPEC §4.6): grants for this consumer are on their way, so a claim that would be denied
// for lack of any Active grant waits (bounded) instead. On their way means: a Ready GrantCreationPolicy
// targets the consumer's kind and may not have materialised its grant yet, or a grant for the consumer
// exists but the operator has not validated its current generation yet (an Argo CD sync or a
// `kubectl apply -k` that creates grants and claims together), or its failed verdict is stale: the
// registrations as cached now pass it (a registration turned Active a moment ago, and the grant controller,
// queued by the same event, is judging the grant again).
import {
  CONDITION_ACTIVE,
  CONDITION_READY,
  findCondition,
  type GrantCreationPolicy,
  isConditionTrue,
  type RegistrationLookup,
  type ResourceGrant,
  type ResourceRegistration,
  registrationLookup,
  validateResourceGrantAgainstRegistrations,
} from '../api/index.ts';
import type { ConsumerIdentity, StartupWaitInput } from '../quota/index.ts';

/**
 * How long a claim waits at least for a grant the operator has not validated yet: validating it is the operator's
 * own next step, which only a starved process (CPU throttling, a flood of work) takes longer than the usual
 * window for, and a denial is final.
 */
export const UNVALIDATED_GRANT_WAIT_MS = 60_000;

export function startupWaitFor(
  consumer: ConsumerIdentity,
  policies: readonly GrantCreationPolicy[],
  grants: readonly ResourceGrant[],
  windowMs: number,
  registrations: readonly ResourceRegistration[],
): StartupWaitInput | undefined {
  const resourceTypes = new Set<string>();
  let unvalidated = false;
  let lookup: RegistrationLookup | undefined; // built only for a failed grant, which is rare
  const passesNow = (grant: ResourceGrant) => {
    lookup ??= registrationLookup(registrations);
    return validateResourceGrantAgainstRegistrations(grant, lookup).length === 0;
  };
  for (const grant of grants) {
    const active = findCondition(grant.status?.conditions, CONDITION_ACTIVE);
    const validated =
      active !== undefined &&
      (grant.status?.observedGeneration ?? 0) === (grant.metadata.generation ?? 0) &&
      !(active.status === 'False' && passesNow(grant));
    if (validated) continue;
    unvalidated = true;
    for (const allowance of grant.spec.allowances) resourceTypes.add(allowance.resourceType);
  }
  for (const policy of policies) {
    if (policy.spec.disabled === true || !isConditionTrue(policy.status?.conditions, CONDITION_READY))
      continue;
    const template = policy.spec.target.resourceGrantTemplate.spec;
    const ref = template.consumerRef;
    if ((ref.apiGroup ?? '') !== consumer.apiGroup || ref.kind !== consumer.kind) continue;
    for (const allowance of template.allowances) resourceTypes.add(allowance.resourceType);
  }
  if (resourceTypes.size === 0) return undefined;
  const wait = unvalidated ? Math.max(windowMs, UNVALIDATED_GRANT_WAIT_MS) : windowMs;
  return { windowMs: wait, resourceTypes: [...resourceTypes] };
}

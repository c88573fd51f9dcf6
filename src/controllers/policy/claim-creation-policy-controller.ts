// ClaimCreationPolicy status (Milo §2.6, SPEC §5): `Ready` is False/ValidationFailed with the exact errors
// (static checks plus API state: resource types registered and Active, consumer type, claiming kinds), else
// False/PolicyDisabled when disabled, else True/PolicyReady. observedGeneration always advances; nothing is
// written when nothing changed. Registration events re-validate the policies that name their resourceType,
// so a policy applied before its registration becomes Ready as soon as the registration is Active.
import {
  type ClaimCreationPolicy,
  CONDITION_READY,
  type ConditionUpdate,
  formatFieldErrors,
  MESSAGES,
  type RegistrationLookup,
  registrationLookup,
  setCondition,
  statusEqual,
} from '../../api/index.ts';
import { validateClaimCreationPolicy } from '../../policy/index.ts';
import {
  eventObjects,
  type KubeObject,
  type Manager,
  type Reconciler,
  requestFor,
} from '../../runtime/index.ts';
import { registrationResourceType } from '../indexes.ts';
import { type QuotaCaches, RESOURCES } from '../resources.ts';
import { writeStatus } from '../status-writer.ts';

export const BY_CLAIM_RESOURCE_TYPE = 'claimPolicyResourceType';

export function claimPolicyReadyCondition(
  policy: ClaimCreationPolicy,
  registrations: RegistrationLookup,
): ConditionUpdate {
  const base = { type: CONDITION_READY, observedGeneration: policy.metadata.generation ?? 0 };
  const errors = validateClaimCreationPolicy(policy, { mode: 'controller', registrations });
  if (errors.length > 0) {
    return { ...base, status: 'False', reason: 'ValidationFailed', message: formatFieldErrors(errors) };
  }
  if (policy.spec.disabled === true) {
    return { ...base, status: 'False', reason: 'PolicyDisabled', message: MESSAGES.policyDisabled };
  }
  return { ...base, status: 'True', reason: 'PolicyReady', message: MESSAGES.policyReady };
}

/** The status the policy should have; the same object as `policy.status` content when nothing changed. */
export function nextClaimPolicyStatus(
  policy: ClaimCreationPolicy,
  registrations: RegistrationLookup,
  now: Date,
): NonNullable<ClaimCreationPolicy['status']> {
  const condition = claimPolicyReadyCondition(policy, registrations);
  return {
    ...policy.status,
    observedGeneration: policy.metadata.generation ?? 0,
    conditions: setCondition(policy.status?.conditions, condition, now),
  };
}

/** Index: the resource types a policy's claim template requests. */
export function claimPolicyResourceTypes(obj: KubeObject): string[] {
  const spec = (obj as Partial<ClaimCreationPolicy>).spec;
  const requests = spec?.target?.resourceClaimTemplate?.spec?.requests ?? [];
  return [...new Set(requests.map((r) => r.resourceType))];
}

export function setupClaimPolicyStatusController(mgr: Manager, caches: QuotaCaches): void {
  const policies = caches.claimPolicies.informer;
  if (!policies.hasIndex(BY_CLAIM_RESOURCE_TYPE))
    policies.addIndex(BY_CLAIM_RESOURCE_TYPE, claimPolicyResourceTypes);
  const reconcile: Reconciler = async (ctx, req) => {
    const policy = caches.claimPolicies.get('', req.name);
    if (policy === undefined) return {};
    const lookup = registrationLookup(caches.registrations.list());
    const status = nextClaimPolicyStatus(policy, lookup, new Date());
    if (!statusEqual(policy.status, status)) {
      await writeStatus(mgr.client, RESOURCES.claimPolicies, policy, status, { signal: ctx.signal });
    }
    return {};
  };
  const controller = mgr.newController({ name: 'claim-creation-policy', reconciler: reconcile });
  controller.watch({ informer: policies });
  controller.watch({
    informer: caches.registrations.informer,
    map: (event) =>
      eventObjects(event)
        .flatMap(registrationResourceType)
        .flatMap((type) => policies.byIndex(BY_CLAIM_RESOURCE_TYPE, type))
        .map(requestFor),
  });
}

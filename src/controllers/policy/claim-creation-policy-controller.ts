// ClaimCreationPolicy status (Milo §2.6, SPEC §5): `Ready` is False/ValidationFailed with the exact errors
// (static checks plus API state: resource types registered and Active, consumer type, claiming kinds), else
// False/PolicyDisabled when disabled, else False/ValidationFailed when the trigger kind is not served at its
// version (nothing could be enforced: the enforcement webhook only covers Ready policies), else
// True/PolicyReady. observedGeneration always advances; nothing is written when nothing changed.
// Registration events re-validate the policies that name their resourceType, and CRD events the policies
// whose trigger kind the CRD defines, so Ready follows both without a restart; a kind no CRD defines
// (aggregated APIs) is asked about again every few seconds while it is not served.
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
import type { ResourceDiscovery } from '../../cache/index.ts';
import { type QuotaCache, RESOURCES, registrationResourceType } from '../../cache/index.ts';
import { validateClaimCreationPolicy } from '../../policy/index.ts';
import {
  eventObjects,
  type KubeObject,
  type Manager,
  type Reconciler,
  requestFor,
} from '../../runtime/index.ts';
import { writeStatus } from '../status-writer.ts';
import { crdChangesFor } from './crd-events.ts';
import { notServedMessage, triggerKindOf } from './trigger-kind.ts';

export const BY_CLAIM_RESOURCE_TYPE = 'claimPolicyResourceType';
/** How often a trigger kind that is not served (and that no CRD defines) is asked about again. */
const NOT_SERVED_RETRY_MS = 5_000;

/** `triggerProblem`: why the trigger kind cannot be enforced (notServedMessage), undefined when served. */
export function claimPolicyReadyCondition(
  policy: ClaimCreationPolicy,
  registrations: RegistrationLookup,
  triggerProblem: string | undefined,
): ConditionUpdate {
  const base = { type: CONDITION_READY, observedGeneration: policy.metadata.generation ?? 0 };
  const errors = validateClaimCreationPolicy(policy, { mode: 'controller', registrations });
  if (errors.length > 0) {
    return { ...base, status: 'False', reason: 'ValidationFailed', message: formatFieldErrors(errors) };
  }
  if (policy.spec.disabled === true) {
    return { ...base, status: 'False', reason: 'PolicyDisabled', message: MESSAGES.policyDisabled };
  }
  if (triggerProblem !== undefined) {
    return { ...base, status: 'False', reason: 'ValidationFailed', message: triggerProblem };
  }
  return { ...base, status: 'True', reason: 'PolicyReady', message: MESSAGES.policyReady };
}

/** The status the policy should have; the same object as `policy.status` content when nothing changed. */
export function nextClaimPolicyStatus(
  policy: ClaimCreationPolicy,
  registrations: RegistrationLookup,
  triggerProblem: string | undefined,
  now: Date,
): NonNullable<ClaimCreationPolicy['status']> {
  const condition = claimPolicyReadyCondition(policy, registrations, triggerProblem);
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

/** Why the policy's trigger kind is not served, or undefined when it is. */
export async function triggerProblem(
  policy: ClaimCreationPolicy,
  discovery: ResourceDiscovery,
): Promise<string | undefined> {
  const { resource } = policy.spec.trigger;
  const serving = await discovery.serving(resource.apiVersion, resource.kind);
  return serving.served ? undefined : notServedMessage(triggerKindOf(resource), serving.crd);
}

export function setupClaimPolicyStatusController(
  mgr: Manager,
  caches: QuotaCache,
  discovery: ResourceDiscovery,
): void {
  const policies = caches.claimPolicies.informer;
  if (!policies.hasIndex(BY_CLAIM_RESOURCE_TYPE))
    policies.addIndex(BY_CLAIM_RESOURCE_TYPE, claimPolicyResourceTypes);
  const reconcile: Reconciler = async (ctx, req) => {
    const policy = caches.claimPolicies.get('', req.name);
    if (policy === undefined) return {};
    const lookup = registrationLookup(caches.registrations.list());
    const problem = await triggerProblem(policy, discovery);
    const status = nextClaimPolicyStatus(policy, lookup, problem, new Date());
    if (!statusEqual(policy.status, status)) {
      await writeStatus(mgr.client, RESOURCES.claimPolicies, policy, status, { signal: ctx.signal });
    }
    return problem === undefined ? {} : { requeueAfterMs: NOT_SERVED_RETRY_MS };
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
  controller.watch(crdChangesFor(discovery.crds, policies));
}

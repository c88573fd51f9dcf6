// Public surface of the policy controllers: the GrantCreationPolicy status controller and the
// grant-creation engine, wired onto a manager and the shared quota caches.

import type { QuotaCache, ResourceDiscovery } from '../../cache/index.ts';
import type { DynamicWatches, Manager } from '../../runtime/index.ts';
import { kindTriggerRefs, setupGrantEngine } from './engine-controller.ts';
import { addGrantIndexes } from './indexes.ts';
import type { ParentContexts } from './parent-context.ts';
import type { ParentContextMode } from './policy-readiness.ts';
import { type PolicyStatusOptions, setupGrantPolicyStatusController } from './policy-status-controller.ts';
import { PolicyReadinessCache } from './readiness-cache.ts';
import { type NotServedKind, TriggerWatches } from './trigger-watches.ts';

export { AGGREGATE_TO_OPERATOR_LABEL } from './access.ts';
export {
  matchMember,
  memberStandsFor,
  type ParentContexts,
  parentContextsFrom,
  resolveParentContext,
} from './parent-context.ts';
export { PARENT_CONTEXT_MODES, type ParentContextMode } from './policy-readiness.ts';
export type { PolicyStatusOptions } from './policy-status-controller.ts';

export interface GrantPolicyOptions extends PolicyStatusOptions {
  /** The shared discovery cache; its CRD informer re-queues the policies of a kind whose CRD changed. */
  readonly discovery: ResourceDiscovery;
  /** The shared dynamic watches (over `discovery`): trigger kinds are watched through them. */
  readonly watches: DynamicWatches<NotServedKind>;
  /** `--parent-context` (policy-readiness.ts). Default unsupported. */
  readonly parentContext?: ParentContextMode;
  /** With `parentContext: 'members'`: the registered members' contexts (parent-context.ts). Required then. */
  readonly parents?: ParentContexts;
}

export function setupGrantPolicyControllers(
  mgr: Manager,
  caches: QuotaCache,
  options: GrantPolicyOptions,
): void {
  if (options.parentContext === 'members' && options.parents === undefined)
    throw new Error('--parent-context=members needs the member registry (setupQuotaControllers wires it)');
  const parents = options.parentContext === 'members' ? options.parents : undefined;
  addGrantIndexes(caches);
  const readinessCache = new PolicyReadinessCache(caches.registrations, options.parentContext);
  const triggerWatches = new TriggerWatches({
    watches: options.watches,
    refsFor: (key) => kindTriggerRefs(caches.grantPolicies.list(), readinessCache, key),
  });
  setupGrantEngine(mgr, caches, readinessCache, triggerWatches, parents);
  setupGrantPolicyStatusController(
    mgr,
    caches,
    readinessCache,
    triggerWatches,
    options.discovery,
    options,
    parents,
  );
}

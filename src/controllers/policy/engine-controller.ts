// The grant-creation engine: one reconcile per trigger object (keyed by kind and uid), covering every policy
// that targets its kind. It reads the trigger, the policies and the grants from the caches, lets plan.ts
// decide, and applies the plan. Trigger kinds are watched at run time (trigger-watches.ts); each new watch
// replays the kind's objects, and a policy change re-queues every object of its kind (engine-sources.ts),
// so a policy that becomes Ready processes the existing objects at once instead of on a periodic resync.
import type { GrantCreationPolicy } from '../../api/index.ts';
import type { QuotaCache } from '../../cache/index.ts';
import { grantPolicyTriggerRefs, type MetadataRefs, mergeRefs, NO_REFS } from '../../policy/index.ts';
import type { ControllerHost, KubeObject, Reconciler } from '../../runtime/index.ts';
import { applyPlan } from './apply-plan.ts';
import { evaluatePolicy, mayBelongToKind, type PolicyOutcome } from './desired-grant.ts';
import { policyKindKey, watchEngineSources } from './engine-sources.ts';
import { BY_TRIGGER_UID, BY_UID } from './indexes.ts';
import type { ParentContexts } from './parent-context.ts';
import { planTrigger } from './plan.ts';
import type { PolicyReadinessCache } from './readiness-cache.ts';
import { parseTriggerRequest } from './trigger-kind.ts';
import type { TriggerWatches } from './trigger-watches.ts';

export const EVENT_COMPONENT = 'milo-quota-operator';

/** The trigger label and annotation keys the Ready policies of kind `key` may read. */
export function kindTriggerRefs(
  policies: readonly GrantCreationPolicy[],
  readinessCache: PolicyReadinessCache,
  key: string,
): MetadataRefs {
  let refs = NO_REFS;
  for (const policy of policies) {
    if (policyKindKey(policy) !== key) continue;
    const readiness = readinessCache.of(policy);
    if (readiness.ok) refs = mergeRefs(refs, grantPolicyTriggerRefs(readiness.compiled));
  }
  return refs;
}

export function setupGrantEngine(
  mgr: ControllerHost,
  caches: QuotaCache,
  readinessCache: PolicyReadinessCache,
  triggerWatches: TriggerWatches,
  parents?: ParentContexts,
): void {
  const events = mgr.eventRecorder({ component: EVENT_COMPONENT });
  // Last state of deleted triggers, so the Events about their grants still name them.
  const lastSeen = new Map<string, KubeObject>();
  const policiesOf = (key: string) => caches.grantPolicies.list().filter((p) => policyKindKey(p) === key);
  // A uid alive in any watched kind is not a deleted trigger (a policy may have been retargeted).
  const isLive = (uid: string) =>
    triggerWatches
      .all()
      .some((w) => w.informer.hasIndex(BY_UID) && w.informer.byIndex(BY_UID, uid).length > 0);

  const reconcile: Reconciler = async (ctx, req) => {
    const parsed = parseTriggerRequest(req);
    const watched = parsed && triggerWatches.watched(parsed.kindKey);
    if (parsed === undefined || watched === undefined) return {};
    // Before the first list, "not in the cache" does not mean deleted.
    if (!watched.informer.hasSynced()) return { requeueAfterMs: 250 };
    const trigger = watched.informer.byIndex(BY_UID, parsed.uid)[0];
    if (trigger === undefined && isLive(parsed.uid)) return {};
    const policies = policiesOf(parsed.kindKey);
    // A policy reading a label or annotation the cache does not keep yet: wait for the relist that adds it.
    if (!watched.fields.covers(kindTriggerRefs(policies, readinessCache, parsed.kindKey), watched.informer))
      return { requeueAfterMs: 250 };
    const outcomes: PolicyOutcome[] = [];
    for (const policy of trigger === undefined ? [] : policies) {
      const readiness = readinessCache.of(policy);
      const name = policy.metadata.name ?? '';
      if (readiness.ok && trigger) {
        const resolve = parents?.resolverFor(policy);
        outcomes.push(evaluatePolicy(name, readiness.compiled, trigger, watched.ref, resolve));
      }
    }
    const existing = caches.grants.byIndex(BY_TRIGGER_UID, parsed.uid);
    const actions = planTrigger({
      trigger,
      outcomes,
      policiesOfKind: new Set(policies.map((p) => p.metadata.name ?? '')),
      existing: trigger === undefined ? existing.filter((g) => mayBelongToKind(g, watched.ref)) : existing,
      grantAt: (namespace, name) => caches.grants.get(namespace, name),
      isLiveTrigger: isLive,
    });
    for (const outcome of outcomes) {
      if (outcome.kind === 'failed' && trigger !== undefined) {
        events.event(
          trigger,
          'Warning',
          'PolicyProcessingFailed',
          `policy ${outcome.policy}: ${outcome.error}`,
        );
        ctx.log.warn('policy processing failed', { policy: outcome.policy, error: outcome.error });
      }
    }
    const target = trigger ?? lastSeen.get(parsed.uid);
    const result = await applyPlan({ client: mgr.client, events, log: ctx.log }, target, actions, ctx.signal);
    if (result.failures.length > 0) throw result.failures[0];
    if (trigger === undefined) lastSeen.delete(parsed.uid);
    if (result.stale) return { requeue: true };
    // A grant in the way (another trigger's, or one being deleted) may move; evaluation errors wait for a
    // change to the trigger or the policy, which re-queues anyway.
    return result.blocked ? { requeueAfterMs: 10_000 } : {};
  };

  const controller = mgr.newController({
    name: 'grant-creation',
    reconciler: reconcile,
    maxConcurrentReconciles: 4,
  });
  const requeuePolicy = watchEngineSources(controller, caches, triggerWatches, (trigger) => {
    for (const uid of trigger.metadata?.uid ? [trigger.metadata.uid] : []) lastSeen.set(uid, trigger);
  });
  // A member registered (or gone) may resolve a pending trigger's parent context: no restart, no resync wait.
  parents?.onChange(() => {
    for (const policy of caches.grantPolicies.list())
      if (policy.spec.target.parentContext !== undefined) requeuePolicy(policy);
  });
}

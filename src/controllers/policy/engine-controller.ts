// The grant-creation engine: one reconcile per trigger object (keyed by kind and uid), covering every policy
// that targets its kind. It reads the trigger, the policies and the grants from the caches, lets plan.ts
// decide, and applies the plan. Trigger kinds are watched at run time (trigger-kinds.ts); each new watch
// replays the kind's objects, and a policy change re-queues every object of its kind, so a policy that
// becomes Ready processes the existing objects at once instead of on a periodic resync.
import type { GrantCreationPolicy } from '../../api/index.ts';
import {
  eventObjects,
  type KubeObject,
  type Manager,
  type ObjectEvent,
  type Reconciler,
  type Request,
} from '../../runtime/index.ts';
import type { QuotaCaches } from '../resources.ts';
import { applyPlan } from './apply-plan.ts';
import { evaluatePolicy, type PolicyOutcome } from './desired-grant.ts';
import { addUidIndex, BY_TRIGGER_UID, BY_UID, grantPolicy, grantTriggerUid, objectUid } from './indexes.ts';
import { planTrigger } from './plan.ts';
import { kindKey, parseTriggerRequest, triggerKindOf, triggerRequest } from './trigger-kind.ts';
import type { TriggerKinds, WatchedKind } from './trigger-kinds.ts';
import type { PolicyVerdicts } from './verdicts.ts';

export const EVENT_COMPONENT = 'milo-quota-operator';

export const policyKindKey = (p: GrantCreationPolicy): string =>
  kindKey(triggerKindOf(p.spec.trigger.resource));

export function setupGrantEngine(
  mgr: Manager,
  caches: QuotaCaches,
  verdicts: PolicyVerdicts,
  kinds: TriggerKinds,
): void {
  const events = mgr.eventRecorder({ component: EVENT_COMPONENT });
  // Last state of deleted triggers, so the Events about their grants still name them.
  const lastSeen = new Map<string, KubeObject>();
  const policiesOf = (key: string) => caches.grantPolicies.list().filter((p) => policyKindKey(p) === key);

  const reconcile: Reconciler = async (ctx, req) => {
    const parsed = parseTriggerRequest(req);
    const watched = parsed && kinds.watched(parsed.kindKey);
    if (parsed === undefined || watched === undefined) return {};
    // Before the first list, "not in the cache" does not mean deleted.
    if (!watched.informer.hasSynced()) return { requeueAfterMs: 250 };
    const trigger = watched.informer.byIndex(BY_UID, parsed.uid)[0];
    const policies = policiesOf(parsed.kindKey);
    const outcomes: PolicyOutcome[] = [];
    if (trigger !== undefined) {
      for (const policy of policies) {
        const verdict = verdicts.of(policy);
        if (verdict.ok)
          outcomes.push(evaluatePolicy(policy.metadata.name ?? '', verdict.compiled, trigger, watched.ref));
      }
    }
    const actions = planTrigger({
      trigger,
      outcomes,
      policiesOfKind: new Set(policies.map((p) => p.metadata.name ?? '')),
      existing: caches.grants.byIndex(BY_TRIGGER_UID, parsed.uid),
      grantAt: (namespace, name) => caches.grants.get(namespace, name),
      isLiveTrigger: (uid) => watched.informer.byIndex(BY_UID, uid).length > 0,
    });
    for (const outcome of outcomes) {
      if (outcome.kind === 'failed' && trigger !== undefined) {
        const message = `policy ${outcome.policy}: ${outcome.error}`;
        events.event(trigger, 'Warning', 'PolicyProcessingFailed', message);
        ctx.log.warn('policy processing failed', { policy: outcome.policy, error: outcome.error });
      }
    }
    const target = trigger ?? lastSeen.get(parsed.uid);
    const result = await applyPlan({ client: mgr.client, events, log: ctx.log }, target, actions, ctx.signal);
    if (result.failures.length > 0) throw result.failures[0];
    if (trigger === undefined) lastSeen.delete(parsed.uid);
    // A grant in the way (another trigger's, or one being deleted) may move; evaluation errors wait for a
    // change to the trigger or the policy, which re-queues anyway.
    if (result.stale) return { requeue: true };
    return result.blocked ? { requeueAfterMs: 10_000 } : {};
  };

  const controller = mgr.newController({
    name: 'grant-creation',
    reconciler: reconcile,
    maxConcurrentReconciles: 4,
  });

  const everyTrigger = (policy: KubeObject): Request[] => {
    const key = policyKindKey(policy as GrantCreationPolicy);
    const watched = kinds.watched(key);
    return watched === undefined
      ? []
      : watched.informer
          .list()
          .flatMap(objectUid)
          .map((uid) => triggerRequest(key, uid));
  };
  controller.watch({
    informer: caches.grantPolicies.informer,
    map: (event) => eventObjects(event).flatMap(everyTrigger),
    predicates: [policyChanged],
  });
  // A grant changed or deleted by hand is put back; a grant's trigger is named by its labels.
  controller.watch({
    informer: caches.grants.informer,
    map: (event) =>
      eventObjects(event).flatMap((grant) => {
        const policy = caches.grantPolicies.get('', grantPolicy(grant)[0] ?? '');
        const uid = grantTriggerUid(grant)[0];
        if (policy === undefined || uid === undefined) return [];
        const key = policyKindKey(policy);
        return kinds.watched(key) === undefined ? [] : [triggerRequest(key, uid)];
      }),
  });
  // Verdicts read registrations: start only once they are cached (their changes reach us through the
  // policy status they change).
  controller.watch({ informer: caches.registrations.informer, map: () => [] });

  kinds.onWatch((watched: WatchedKind) => {
    addUidIndex(watched.informer);
    controller.watch({
      informer: watched.informer,
      map: (event) => {
        const uids = objectUid(event.object);
        if (event.type === 'delete') for (const uid of uids) lastSeen.set(uid, event.object);
        return uids.map((uid) => triggerRequest(watched.key, uid));
      },
    });
  });
}

/** Policy events that can change what the engine does: create, delete, a spec change, a Ready change. */
export function policyChanged(event: ObjectEvent): boolean {
  if (event.type !== 'update') return true;
  const before = event.oldObject as GrantCreationPolicy;
  const after = event.object as GrantCreationPolicy;
  const ready = (p: GrantCreationPolicy) => {
    const c = p.status?.conditions?.find((x) => x.type === 'Ready');
    return `${c?.status}/${c?.reason}`;
  };
  return before.metadata.generation !== after.metadata.generation || ready(before) !== ready(after);
}

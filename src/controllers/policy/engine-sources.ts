// What wakes the grant-creation engine, as requests for (trigger kind, uid): events of the trigger objects
// themselves; a policy change (every object of its kind, plus every trigger its grants name, so grants of
// triggers deleted while nobody watched are found too); a grant changed or deleted by hand. A kind watched
// for the first time also re-queues the triggers its policies' grants name, for the same reason.
import type { GrantCreationPolicy } from '../../api/index.ts';
import type { QuotaCache } from '../../cache/index.ts';
import {
  type Controller,
  eventObjects,
  type KubeObject,
  type ObjectEvent,
  type Request,
} from '../../runtime/index.ts';
import { addUidIndex, BY_POLICY, grantPolicy, grantTriggerUid, objectUid } from './indexes.ts';
import { kindKey, triggerKindOf, triggerRequest } from './trigger-kind.ts';
import type { TriggerWatches, WatchedKind } from './trigger-watches.ts';

export const policyKindKey = (p: GrantCreationPolicy): string =>
  kindKey(triggerKindOf(p.spec.trigger.resource));

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

export function watchEngineSources(
  controller: Controller,
  caches: QuotaCache,
  triggerWatches: TriggerWatches,
  onDeleted: (trigger: KubeObject) => void,
): (policy: GrantCreationPolicy) => void {
  const forPolicy = (policy: GrantCreationPolicy): Request[] => {
    const key = policyKindKey(policy);
    const watched = triggerWatches.watched(key);
    if (watched === undefined) return [];
    const grants = caches.grants.byIndex(BY_POLICY, policy.metadata.name ?? '');
    const uids = new Set([...watched.informer.list().flatMap(objectUid), ...grants.flatMap(grantTriggerUid)]);
    return [...uids].map((uid) => triggerRequest(key, uid));
  };
  controller.watch({
    informer: caches.grantPolicies.informer,
    map: (event) => eventObjects(event).flatMap((p) => forPolicy(p as GrantCreationPolicy)),
    predicates: [policyChanged],
  });
  controller.watch({
    informer: caches.grants.informer,
    map: (event) =>
      eventObjects(event).flatMap((grant) => {
        const policy = caches.grantPolicies.get('', grantPolicy(grant)[0] ?? '');
        const uid = grantTriggerUid(grant)[0];
        if (policy === undefined || uid === undefined) return [];
        const key = policyKindKey(policy);
        return triggerWatches.watched(key) === undefined ? [] : [triggerRequest(key, uid)];
      }),
  });
  // Verdicts read registrations: start only once they are cached (their changes reach the engine through
  // the policy status they change).
  controller.watch({ informer: caches.registrations.informer, map: () => [] });

  triggerWatches.onWatch((watched: WatchedKind) => {
    addUidIndex(watched.informer);
    controller.watch({
      informer: watched.informer,
      map: (event) => {
        if (event.type === 'delete') onDeleted(event.object);
        return objectUid(event.object).map((uid) => triggerRequest(watched.key, uid));
      },
    });
    const policies = caches.grantPolicies.list().filter((p) => policyKindKey(p) === watched.key);
    for (const req of policies.flatMap(forPolicy)) controller.enqueue(req);
  });
  /** Re-queues every trigger of the policy (and every trigger its grants name). */
  return (policy) => {
    for (const req of forPolicy(policy)) controller.enqueue(req);
  };
}

// GrantCreationPolicy status: validates each policy in controller mode (API state included), makes sure
// its trigger kind is watched, and writes Ready / ParentContextReady / observedGeneration when they change.
// Registration events re-validate every policy; CRD events the policies whose trigger kind the CRD defines,
// so a kind whose CRD (or version) is installed or removed turns Ready True or False at once. A kind that is
// not served, or that the operator may not watch, is also asked about again every `retryMs` (RBAC and
// aggregated APIs have no event the operator watches).
// Disabling or deleting a policy keeps its grants, and an Event says so.
import { type GrantCreationPolicy, LABEL_POLICY, statusEqual } from '../../api/index.ts';
import type { ResourceDiscovery } from '../../cache/index.ts';
import { asKubeObject, type QuotaCache, RESOURCES } from '../../cache/index.ts';
import type { KubeObject, Manager, Reconciler } from '../../runtime/index.ts';
import { writeStatus } from '../status-writer.ts';
import { crdChangesFor } from './crd-events.ts';
import { evaluatePolicy } from './desired-grant.ts';
import { EVENT_COMPONENT } from './engine-controller.ts';
import { policyKindKey } from './engine-sources.ts';
import { BY_POLICY } from './indexes.ts';
import type { ParentContexts } from './parent-context.ts';
import type { PolicyReadiness } from './policy-readiness.ts';
import { nextPolicyStatus, type ParentContextSummary, readyReason } from './policy-status.ts';
import type { PolicyReadinessCache } from './readiness-cache.ts';
import { triggerKindOf } from './trigger-kind.ts';
import type { KindState, TriggerWatches } from './trigger-watches.ts';

export interface PolicyStatusOptions {
  /** How often an unavailable trigger kind is checked again. Default 5 s. */
  readonly retryMs?: number;
}

export function retainedMessage(policy: string, how: 'disabled' | 'deleted', grants: number): string {
  const them =
    grants === 1 ? 'the ResourceGrant it created is' : `the ${grants} ResourceGrants it created are`;
  return (
    `Policy ${how}: ${them} kept (taking quota away from live consumers is an explicit act). To remove ` +
    `them: kubectl delete resourcegrants -A -l ${LABEL_POLICY}=${policy}`
  );
}

/**
 * With --parent-context=members: resolves the parent context of every trigger of the policy's kind whose
 * constraints hold (the engine's own evaluation), in name order so the message is stable. Undefined when the
 * policy or its trigger kind is not Ready (nothing is evaluated then).
 */
export function summarizeParents(
  policy: GrantCreationPolicy,
  readiness: PolicyReadiness,
  kind: KindState | undefined,
  triggerWatches: TriggerWatches,
  parents: ParentContexts,
): ParentContextSummary | undefined {
  const resolve = parents.resolverFor(policy);
  const watched = triggerWatches.watched(policyKindKey(policy));
  if (!readiness.ok || kind?.state !== 'watching' || resolve === undefined || watched === undefined)
    return undefined;
  const name = policy.metadata.name ?? '';
  const at = (o: KubeObject) =>
    o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata?.name ?? '');
  const triggers = watched.informer
    .list()
    .filter((o) => o.metadata?.deletionTimestamp === undefined)
    .sort((a, b) => at(a).localeCompare(at(b)));
  let resolved = 0;
  const unresolved: { trigger: string; message: string }[] = [];
  for (const trigger of triggers) {
    const outcome = evaluatePolicy(name, readiness.compiled, trigger, watched.ref, resolve);
    if (outcome.kind === 'want') resolved++;
    if (outcome.kind === 'unresolved') unresolved.push({ trigger: at(trigger), message: outcome.why });
  }
  return { resolved, unresolved };
}

export function setupGrantPolicyStatusController(
  mgr: Manager,
  caches: QuotaCache,
  readinessCache: PolicyReadinessCache,
  triggerWatches: TriggerWatches,
  discovery: ResourceDiscovery,
  options: PolicyStatusOptions = {},
  parents?: ParentContexts,
): void {
  const events = mgr.eventRecorder({ component: EVENT_COMPONENT });
  const tombstones = new Map<string, KubeObject>();
  const retained = (obj: KubeObject, how: 'disabled' | 'deleted') => {
    const name = obj.metadata?.name ?? '';
    const grants = caches.grants.byIndex(BY_POLICY, name).length;
    if (grants > 0) events.event(obj, 'Normal', 'GrantsRetained', retainedMessage(name, how, grants));
  };

  const reconcile: Reconciler = async (ctx, req) => {
    const policy = caches.grantPolicies.get('', req.name);
    const tombstone = tombstones.get(req.name);
    tombstones.delete(req.name);
    if (policy === undefined) {
      readinessCache.forget(req.name);
      if (tombstone !== undefined) retained(tombstone, 'deleted');
      return {};
    }
    const readiness = readinessCache.of(policy);
    const kind = readiness.ok
      ? await triggerWatches.ensure(triggerKindOf(policy.spec.trigger.resource), ctx.signal)
      : undefined;
    // Until the registry has read every member Secret, "no member stands for it" may be false: wait rather
    // than report ParentContextNotFound for a moment after every restart.
    if (parents !== undefined && policy.spec.target.parentContext !== undefined && !parents.synced())
      return { requeueAfterMs: 250 };
    const summary = parents && summarizeParents(policy, readiness, kind, triggerWatches, parents);
    const status = nextPolicyStatus(
      policy,
      readiness,
      kind,
      new Date(),
      readinessCache.parentContext,
      summary,
    );
    if (!statusEqual(policy.status, status)) {
      await writeStatus(mgr.client, RESOURCES.grantPolicies, policy, status, { signal: ctx.signal });
      if (readyReason(status) === 'PolicyDisabled' && readyReason(policy.status) !== 'PolicyDisabled') {
        retained(asKubeObject(policy), 'disabled');
      }
    }
    return kind?.state === 'unavailable' ? { requeueAfterMs: options.retryMs ?? 5000 } : {};
  };

  const controller = mgr.newController({ name: 'grant-creation-policy', reconciler: reconcile });
  controller.watch({
    informer: caches.grantPolicies.informer,
    map: (event) => {
      const name = event.object.metadata?.name ?? '';
      if (event.type === 'delete') tombstones.set(name, event.object);
      return [{ namespace: '', name }];
    },
  });
  const everyPolicy = () =>
    caches.grantPolicies
      .list()
      .map((p: GrantCreationPolicy) => ({ namespace: '', name: p.metadata.name ?? '' }));
  controller.watch({ informer: caches.registrations.informer, map: everyPolicy });
  controller.watch(crdChangesFor(discovery.crds, caches.grantPolicies.informer));
  if (parents === undefined) return;
  // ParentContextReady follows the triggers and the members: re-evaluate the policies with a parentContext
  // when a trigger of their kind changes or a member is registered, changed or removed.
  const withParent = (key?: string) =>
    caches.grantPolicies
      .list()
      .filter(
        (p) => p.spec.target.parentContext !== undefined && (key === undefined || policyKindKey(p) === key),
      )
      .map((p) => ({ namespace: '', name: p.metadata.name ?? '' }));
  triggerWatches.onWatch((watched) =>
    controller.watch({ informer: watched.informer, map: () => withParent(watched.key) }),
  );
  parents.onChange(() => {
    for (const req of withParent()) controller.enqueue(req);
  });
}

// The controller that keeps the enforcement ValidatingWebhookConfiguration's rules (SPEC §6) equal to the set
// of Ready ClaimCreationPolicies' trigger kinds that are served now (CREATE, and UPDATE so an object cannot move
// to another consumer after its claim was made; every version: matchPolicy Equivalent), so the apiserver calls
// the webhook for those writes and no others (none while there are no rules). It is recomputed when a policy or
// a CRD changes, so a kind's rule goes when its CRD or the policy's version stops being served and comes back
// when it is served again (kinds resolved through the runtime's resolveKinds, dynamic-watch.ts). The
// configuration itself is admission's (admission/enforce/enforcement-configuration.ts).
import { type ClaimCreationPolicy, claimPolicyApplies } from '../api/index.ts';
import type { ResourceDiscovery, TypedCache } from '../cache/index.ts';
import { servingChanged } from '../cache/index.ts';
import {
  type KindDiscovery,
  type Logger,
  type Manager,
  type Reconciler,
  resolveKinds,
} from '../runtime/index.ts';
import type { WebhookRule } from '../webhook/index.ts';

/** The workqueue key of the one configuration this controller keeps. */
const KEY = 'milo-quota-enforcement';
/** The rules for the applicable policies' trigger kinds, sorted; kinds the apiserver does not serve (yet)
 * are skipped and counted. */
export async function enforcementRules(
  policies: readonly ClaimCreationPolicy[],
  discovery: KindDiscovery,
  log: Logger,
): Promise<{ rules: WebhookRule[]; unresolved: number }> {
  const applicable = policies.filter(claimPolicyApplies);
  const { resolved, unresolved } = await resolveKinds(discovery, applicable, (p) => p.spec.trigger.resource);
  for (const { item: policy } of unresolved) {
    const { apiVersion, kind } = policy.spec.trigger.resource;
    log.warn('trigger kind not served; no rule for it', {
      policy: policy.metadata.name ?? '',
      apiVersion,
      kind,
    });
  }
  const rules = new Map<string, WebhookRule>();
  for (const { ref } of resolved) {
    rules.set(`${ref.group}/${ref.plural}`, {
      apiGroups: [ref.group],
      apiVersions: ['*'],
      resources: [ref.plural],
      operations: ['CREATE', 'UPDATE'],
      scope: '*',
    });
  }
  const sorted = [...rules.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, rule]) => rule);
  return { rules: sorted, unresolved: unresolved.length };
}

export interface EnforcementWebhookOptions {
  readonly policies: TypedCache<ClaimCreationPolicy>;
  readonly discovery: ResourceDiscovery;
  /** Applies the enforcement configuration with these rules (admission/enforce/enforcement-configuration.ts),
   * kept applied with the webhook server's address and CA bundle. */
  readonly configure: (rules: readonly WebhookRule[]) => void;
}

/** A leader-only controller that recomputes the enforcement configuration whenever policies change. */
export function setupEnforcementWebhookController(mgr: Manager, options: EnforcementWebhookOptions): void {
  const reconcile: Reconciler = async (ctx) => {
    const { rules, unresolved } = await enforcementRules(options.policies.list(), options.discovery, ctx.log);
    options.configure(rules);
    // A trigger kind no CRD defines (an aggregated API) has no event here: it is looked up again in a while.
    return unresolved > 0 ? { requeueAfterMs: 5_000 } : {};
  };
  const controller = mgr.newController({ name: 'enforcement-webhook', reconciler: reconcile });
  const request = { namespace: '', name: KEY };
  controller.watch({ informer: options.policies.informer, map: () => [request] });
  controller.watch({ informer: options.discovery.crds, map: () => [request], predicates: [servingChanged] });
  // Once at start as well: with no policy there is no event, and the shipped configuration still needs its
  // caBundle (and the operator's empty rules) from the leader.
  mgr.add({
    name: 'enforcement-webhook-start',
    needLeaderElection: true,
    start: async (signal) => {
      const stopped = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await Promise.race([options.policies.informer.synced, stopped]);
      if (!signal.aborted) controller.enqueue(request);
      await stopped;
    },
  });
}

// Wires every quota controller into a manager (Milo's controllers/setup.go): the quota cache (one shared
// informer per kind, indexed: src/cache), then each controller.

import {
  type ContextConsumerRule,
  DEFAULT_CONTEXT_CONSUMER_LABELS,
  parseContextConsumerRules,
} from '../admission/enforce/context-consumer.ts';
import type { MemberRegistry } from '../cache/index.ts';
import { QuotaCache, ResourceDiscovery } from '../cache/index.ts';
import { DynamicWatches, type Manager, SelfAccessReview } from '../runtime/index.ts';
import { setupGrantController } from './core/grant-controller.ts';
import { setupRegistrationController } from './core/registration-controller.ts';
import {
  type ClaimLifecycleOptions,
  setupClaimLifecycleController,
} from './lifecycle/claim-lifecycle-controller.ts';
import { setupMemberClaimsController } from './members/member-claims.ts';
import { setupMemberRegistry } from './members/registry.ts';
import { setupClaimPolicyStatusController } from './policy/claim-creation-policy-controller.ts';
import { type ParentContextMode, parentContextsFrom, setupGrantPolicyControllers } from './policy/index.ts';
import { type ConsumerControllerOptions, setupConsumerController } from './quota/consumer-controller.ts';

export type QuotaControllerOptions = ConsumerControllerOptions &
  ClaimLifecycleOptions & {
    /** `--parent-context` (policy/policy-readiness.ts). Default unsupported. */
    readonly parentContext?: ParentContextMode;
    /** The operator's namespace: with `parentContext: 'members'`, member Secrets are read there. */
    readonly namespace?: string;
    /** `--context-consumer-labels`: what context a member stands for. Default Milo's Project, Organization. */
    readonly contextConsumerRules?: readonly ContextConsumerRule[];
    /** `--enable-members`: member clusters' objects are enforced and watched (docs/multicluster.md). */
    readonly members?: boolean;
  };

export interface QuotaControllers {
  readonly caches: QuotaCache;
  readonly discovery: ResourceDiscovery;
  /** The member registry, running with `--enable-members` or when `parentContext` is `members`. */
  readonly members?: MemberRegistry;
}

function defaultRules(): ContextConsumerRule[] {
  const rules = parseContextConsumerRules(DEFAULT_CONTEXT_CONSUMER_LABELS);
  if (typeof rules === 'string') throw new Error(`the default --context-consumer-labels: ${rules}`);
  return rules;
}

export function setupQuotaControllers(mgr: Manager, options: QuotaControllerOptions): QuotaControllers {
  const caches = new QuotaCache(mgr.informers);
  const discovery = new ResourceDiscovery(mgr.client.kubeConfig, mgr.informers);
  // Kinds known only at run time (trigger kinds, the kinds claims name), watched once allowed.
  const access = new SelfAccessReview(mgr.client.kubeConfig);
  const watches = new DynamicWatches({ discovery, access, informers: mgr.informers });
  setupRegistrationController(mgr, caches);
  const consumers = setupConsumerController(mgr, caches, options);
  setupGrantController(mgr, caches, consumers.statusWritten);
  setupClaimLifecycleController(mgr, caches, { discovery, watches }, options);
  setupClaimPolicyStatusController(mgr, caches, discovery);
  const parentContext = options.parentContext ?? 'unsupported';
  let members: MemberRegistry | undefined;
  if (parentContext === 'members' || options.members === true) {
    if (options.namespace === undefined)
      throw new Error('member clusters need the operator namespace, where member Secrets live');
    members = setupMemberRegistry(mgr, { namespace: options.namespace });
    // claims for objects in members: released when their object goes there (never freed by a partition)
    setupMemberClaimsController(mgr, caches, members, {
      ...(options.orphanGracePeriodMs === undefined
        ? {}
        : { orphanGracePeriodMs: options.orphanGracePeriodMs }),
    });
  }
  setupGrantPolicyControllers(mgr, caches, {
    discovery,
    watches,
    parentContext,
    ...(members && {
      parents: parentContextsFrom(members, options.contextConsumerRules ?? defaultRules()),
    }),
  });
  return { caches, discovery, ...(members && { members }) };
}

// Wires every quota controller into a manager (Milo's controllers/setup.go): the quota cache (one shared
// informer per kind, indexed: src/cache), then each controller.
import { QuotaCache, ResourceDiscovery } from '../cache/index.ts';
import type { Manager } from '../runtime/index.ts';
import { setupGrantController } from './core/grant-controller.ts';
import { setupRegistrationController } from './core/registration-controller.ts';
import {
  type ClaimLifecycleOptions,
  setupClaimLifecycleController,
} from './lifecycle/claim-lifecycle-controller.ts';
import { setupClaimPolicyStatusController } from './policy/claim-creation-policy-controller.ts';
import { type ParentContextMode, setupGrantPolicyControllers } from './policy/index.ts';
import { type ConsumerControllerOptions, setupConsumerController } from './quota/consumer-controller.ts';

export type QuotaControllerOptions = ConsumerControllerOptions &
  ClaimLifecycleOptions & {
    /** `--parent-context` (policy/verdict.ts). Default unsupported. */
    readonly parentContext?: ParentContextMode;
  };

export interface QuotaControllers {
  readonly caches: QuotaCache;
  readonly discovery: ResourceDiscovery;
}

export function setupQuotaControllers(mgr: Manager, options: QuotaControllerOptions): QuotaControllers {
  const caches = new QuotaCache(mgr.informers);
  const discovery = new ResourceDiscovery(mgr.client.kubeConfig, mgr.informers);
  setupRegistrationController(mgr, caches);
  const consumers = setupConsumerController(mgr, caches, options);
  setupGrantController(mgr, caches, consumers.statusWritten);
  setupClaimLifecycleController(mgr, caches, discovery, options);
  setupClaimPolicyStatusController(mgr, caches, discovery);
  setupGrantPolicyControllers(mgr, caches, {
    discovery,
    parentContext: options.parentContext ?? 'unsupported',
  });
  return { caches, discovery };
}

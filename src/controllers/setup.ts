// Wires every quota controller into a manager (Milo's controllers/setup.go): one shared informer per kind,
// the indexes the reconcilers query, then each controller.
import type { Manager } from '../runtime/index.ts';
import { setupGrantController } from './core/grant-controller.ts';
import { setupRegistrationController } from './core/registration-controller.ts';
import { ResourceDiscovery } from './discovery.ts';
import { addIndexes } from './indexes.ts';
import {
  type ClaimLifecycleOptions,
  setupClaimLifecycleController,
} from './lifecycle/claim-lifecycle-controller.ts';
import { setupClaimPolicyStatusController } from './policy/claim-creation-policy-controller.ts';
import { type ParentContextMode, setupGrantPolicyControllers } from './policy/index.ts';
import { type ConsumerControllerOptions, setupConsumerController } from './quota/consumer-controller.ts';
import { type QuotaCaches, quotaCaches } from './resources.ts';

export type QuotaControllerOptions = ConsumerControllerOptions &
  ClaimLifecycleOptions & {
    /** `--parent-context` (policy/verdict.ts). Default unsupported. */
    readonly parentContext?: ParentContextMode;
  };

export interface QuotaControllers {
  readonly caches: QuotaCaches;
  readonly discovery: ResourceDiscovery;
}

export function setupQuotaControllers(mgr: Manager, options: QuotaControllerOptions): QuotaControllers {
  const caches = quotaCaches(mgr.informers);
  const discovery = new ResourceDiscovery(mgr.client.kubeConfig, mgr.informers);
  addIndexes(caches);
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

// Wires every quota controller into a manager (Milo's controllers/setup.go): one shared informer per kind,
// the indexes the reconcilers query, then each controller.
import type { Manager } from '../runtime/index.ts';
import { setupGrantController } from './core/grant-controller.ts';
import { setupRegistrationController } from './core/registration-controller.ts';
import { addIndexes } from './indexes.ts';
import { type ConsumerControllerOptions, setupConsumerController } from './quota/consumer-controller.ts';
import { type QuotaCaches, quotaCaches } from './resources.ts';

export type QuotaControllerOptions = ConsumerControllerOptions;

export function setupQuotaControllers(mgr: Manager, options: QuotaControllerOptions): QuotaCaches {
  const caches = quotaCaches(mgr.informers);
  addIndexes(caches);
  setupRegistrationController(mgr, caches);
  setupGrantController(mgr, caches);
  setupConsumerController(mgr, caches, options);
  return caches;
}

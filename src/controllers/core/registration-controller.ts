// ResourceRegistration: Active unless another registration of the same resourceType is older (SPEC §3: the
// older stays Active, the newer is Active=False/ValidationFailed). Deleting the older re-activates the newer,
// so every event enqueues all registrations sharing the resourceType.
import {
  type ConditionUpdate,
  MESSAGES,
  type ResourceRegistration,
  validateRegistrationUnique,
} from '../../api/index.ts';
import { BY_RESOURCE_TYPE, type QuotaCache, RESOURCES, registrationResourceType } from '../../cache/index.ts';
import { eventObjects, type Manager, type Reconciler } from '../../runtime/index.ts';
import { writeCondition } from '../status-writer.ts';
import { activeCondition } from './active-condition.ts';

export function registrationCondition(
  reg: ResourceRegistration,
  all: readonly ResourceRegistration[],
): ConditionUpdate {
  return activeCondition(
    validateRegistrationUnique(reg, all, 'existing'),
    { reason: 'RegistrationActive', message: MESSAGES.registrationActive },
    reg.metadata.generation ?? 0,
  );
}

export function setupRegistrationController(mgr: Manager, caches: QuotaCache): void {
  const reconcile: Reconciler = async (ctx, req) => {
    const reg = caches.registrations.get('', req.name);
    if (reg === undefined) return {};
    const all = caches.registrations.byIndex(BY_RESOURCE_TYPE, reg.spec.resourceType);
    await writeCondition(
      mgr.client,
      RESOURCES.registrations,
      reg,
      registrationCondition(reg, all),
      ctx.signal,
    );
    return {};
  };
  const controller = mgr.newController({ name: 'resource-registration', reconciler: reconcile });
  const informer = caches.registrations.informer;
  controller.watch({
    informer,
    map: (event) =>
      eventObjects(event)
        .flatMap(registrationResourceType)
        .flatMap((type) => informer.byIndex(BY_RESOURCE_TYPE, type))
        .concat(eventObjects(event))
        .map((obj) => ({ namespace: '', name: obj.metadata?.name ?? '' })),
  });
}

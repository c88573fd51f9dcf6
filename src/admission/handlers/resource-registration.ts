// ResourceRegistration: the schema and Milo's duplicate-claimingResources rule on create and update,
// immutability on update, and (against the shared cache) a resourceType nobody else registered, with Milo's
// "already registered" message. Two creates racing past the cache are caught by the registration
// controller, which keeps the older Active and marks the newer ValidationFailed.
import {
  type ResourceRegistration,
  validateRegistrationUnique,
  validateResourceRegistration,
  validateResourceRegistrationUpdate,
} from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';
import type { AdmissionHandler } from '../../webhook/review.ts';
import { kindHandler } from './common.ts';

export function resourceRegistrationHandler(
  registrations: Pick<TypedCache<ResourceRegistration>, 'list' | 'synced'>,
): AdmissionHandler {
  return kindHandler<ResourceRegistration>({
    kind: 'ResourceRegistration',
    async create(reg, _request, signal) {
      const errors = validateResourceRegistration(reg);
      if (errors.length > 0) return errors;
      await registrations.synced(signal);
      return validateRegistrationUnique(reg, registrations.list(), 'create');
    },
    // resourceType is immutable, so an update cannot create a duplicate
    update: (old, next) => validateResourceRegistrationUpdate(old, next),
  });
}

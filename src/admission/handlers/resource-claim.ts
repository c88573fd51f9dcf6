// ResourceClaim, Milo's admission checks on create (§6.1): amounts above zero, distinct resource types,
// consumerRef and resourceRef present, and against the shared registration cache: each resource type has an
// Active registration, the consumer is of its consumerType, and the resourceRef's kind is one of its
// claimingResources. Updates may not change the spec (a decided claim is final).
import {
  type ResourceClaim,
  type ResourceRegistration,
  registrationLookup,
  validateResourceClaim,
  validateResourceClaimAgainstRegistrations,
  validateResourceClaimUpdate,
} from '../../api/index.ts';
import type { AdmissionHandler } from '../review.ts';
import { type CacheView, kindHandler } from './common.ts';

export function resourceClaimHandler(registrations: CacheView<ResourceRegistration>): AdmissionHandler {
  return kindHandler<ResourceClaim>({
    kind: 'ResourceClaim',
    async create(claim, _request, signal) {
      const errors = validateResourceClaim(claim);
      if (errors.length > 0) return errors;
      await registrations.synced(signal);
      return validateResourceClaimAgainstRegistrations(claim, registrationLookup(registrations.list()));
    },
    update: (old, next) => validateResourceClaimUpdate(old, next),
  });
}

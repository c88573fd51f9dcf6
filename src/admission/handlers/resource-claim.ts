// ResourceClaim, Milo's admission checks on create (§6.1): amounts above zero, distinct resource types,
// consumerRef and resourceRef present, and against the shared registration cache: each resource type has an
// Active registration, the consumer is of its consumerType, and the resourceRef's kind is one of its
// claimingResources. Updates may not change the spec (a decided claim is final).
// Before those, the tenancy guards of ../claim-guard.ts: charging a consumer and freeing capacity still in
// use are authorizations (CREATE, DELETE, and UPDATEs of the metadata that ties a claim to its object).
import {
  GROUP,
  type ResourceClaim,
  type ResourceRegistration,
  registrationLookup,
  validateResourceClaim,
  validateResourceClaimAgainstRegistrations,
  validateResourceClaimUpdate,
} from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';
import { type AdmissionHandler, type AdmissionRequest, forbidden } from '../../webhook/review.ts';
import { type ClaimGuardDeps, chargeRefusal, releaseRefusal, relinkRefusal } from '../claim-guard.ts';
import { kindHandler } from './common.ts';

export function resourceClaimHandler(
  registrations: Pick<TypedCache<ResourceRegistration>, 'list' | 'synced'>,
  guard: ClaimGuardDeps,
): AdmissionHandler {
  const validate = kindHandler<ResourceClaim>({
    kind: 'ResourceClaim',
    async create(claim, _request, signal) {
      const errors = validateResourceClaim(claim);
      if (errors.length > 0) return errors;
      await registrations.synced(signal);
      return validateResourceClaimAgainstRegistrations(claim, registrationLookup(registrations.list()));
    },
    update: (old, next) => validateResourceClaimUpdate(old, next),
  });
  return async (request, signal) => {
    const isClaim = request.kind.group === GROUP && request.kind.kind === 'ResourceClaim';
    if (isClaim) {
      const refusal = await guardRefusal(guard, request, signal);
      if (refusal !== undefined) return forbidden(refusal);
    }
    return validate(request, signal);
  };
}

async function guardRefusal(
  guard: ClaimGuardDeps,
  request: AdmissionRequest,
  signal: AbortSignal,
): Promise<string | undefined> {
  const claim = request.object as ResourceClaim | undefined;
  const old = request.oldObject as ResourceClaim | undefined;
  switch (request.operation) {
    case 'CREATE':
      return claim?.spec?.consumerRef === undefined
        ? undefined // schema errors are the validator's to report
        : chargeRefusal(guard, request.userInfo, claim.spec.consumerRef, signal);
    case 'UPDATE':
      return claim === undefined || old === undefined
        ? undefined
        : relinkRefusal(guard, request, old, claim, signal);
    case 'DELETE':
      return old === undefined ? undefined : releaseRefusal(guard, request, old, signal);
    default:
      return undefined;
  }
}

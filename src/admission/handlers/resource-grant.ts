// ResourceGrant: static checks only (schema, summed amounts within 2^53-1). Whether its resource types are
// registered is API state the grant controller reports as Active=False/ValidationFailed, so a grant applied
// in the same sync as its registration is not refused for arriving first (Milo does the same).
import { type ResourceGrant, validateResourceGrant, validateResourceGrantUpdate } from '../../api/index.ts';
import type { AdmissionHandler } from '../../webhook/review.ts';
import { kindHandler } from './common.ts';

export function resourceGrantHandler(): AdmissionHandler {
  return kindHandler<ResourceGrant>({
    kind: 'ResourceGrant',
    create: (grant) => validateResourceGrant(grant),
    update: (old, next) => validateResourceGrantUpdate(old, next),
  });
}

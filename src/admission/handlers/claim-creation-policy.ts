// ClaimCreationPolicy: the full static validation of src/policy in admission mode (schema, template names,
// no resourceRef, literal and distinct resource types, constraints and templates compiled and type-checked
// over trigger, user and requestInfo). An unregistered resourceType is admitted on purpose (Milo's
// edge-case test): the status controller then reports Ready=False/ValidationFailed.
import type { ClaimCreationPolicy } from '../../api/index.ts';
import { validateClaimCreationPolicy } from '../../policy/index.ts';
import type { AdmissionHandler } from '../../webhook/review.ts';
import { wholeObjectHandler } from './common.ts';

export function claimCreationPolicyHandler(): AdmissionHandler {
  return wholeObjectHandler('ClaimCreationPolicy', (policy: ClaimCreationPolicy) =>
    validateClaimCreationPolicy(policy, { mode: 'admission' }),
  );
}

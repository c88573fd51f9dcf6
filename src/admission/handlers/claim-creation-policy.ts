// ClaimCreationPolicy: the full static validation of src/policy in admission mode (schema, template names,
// no resourceRef, literal and distinct resource types, constraints and templates compiled and type-checked
// over trigger, user and requestInfo). An unregistered resourceType is admitted on purpose (Milo's
// edge-case test): the status controller then reports Ready=False/ValidationFailed.
import type { ClaimCreationPolicy } from '../../api/index.ts';
import { validateClaimCreationPolicy } from '../../policy/index.ts';
import type { AdmissionHandler } from '../../webhook/review.ts';
import { kindHandler } from './common.ts';

export function claimCreationPolicyHandler(): AdmissionHandler {
  const check = (policy: ClaimCreationPolicy) => validateClaimCreationPolicy(policy, { mode: 'admission' });
  return kindHandler<ClaimCreationPolicy>({
    kind: 'ClaimCreationPolicy',
    create: check,
    update: (_old, next) => check(next),
  });
}

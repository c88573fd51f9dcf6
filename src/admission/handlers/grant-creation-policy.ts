// GrantCreationPolicy: the full static validation of src/policy in admission mode: schema, names and keys,
// Milo's three lost rules, and every constraint and template compiled and type-checked, errors naming the
// field and the offset. Registrations are not consulted: the policy controller reports those.
import type { GrantCreationPolicy } from '../../api/index.ts';
import { validateGrantCreationPolicy } from '../../policy/index.ts';
import type { AdmissionHandler } from '../../webhook/review.ts';
import { wholeObjectHandler } from './common.ts';

export function grantCreationPolicyHandler(): AdmissionHandler {
  return wholeObjectHandler('GrantCreationPolicy', (policy: GrantCreationPolicy) =>
    validateGrantCreationPolicy(policy, { mode: 'admission' }),
  );
}

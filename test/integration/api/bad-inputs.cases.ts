// The bad-input catalogue, one list per group of kinds (see cases/base.ts for the shape of a case).
import type { BadInput } from './cases/base.ts';
import { CLAIM_POLICY_CASES } from './cases/claim-policy.ts';
import { REGISTRATION_GRANT_BUCKET_CASES } from './cases/registration-grant-bucket.ts';

export type { BadInput };
export const BAD_INPUTS: readonly BadInput[] = [...REGISTRATION_GRANT_BUCKET_CASES, ...CLAIM_POLICY_CASES];

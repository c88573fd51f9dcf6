// The six quota kinds in one list, for code that handles all of them (CRD generation, RBAC, discovery).
import { type ALLOWANCE_BUCKET, allowanceBucketDefinition } from './allowance-bucket.ts';
import { type CLAIM_CREATION_POLICY, claimCreationPolicyDefinition } from './claim-creation-policy.ts';
import type { KindDefinition } from './crd.ts';
import { type GRANT_CREATION_POLICY, grantCreationPolicyDefinition } from './grant-creation-policy.ts';
import { type RESOURCE_CLAIM, resourceClaimDefinition } from './resource-claim.ts';
import { type RESOURCE_GRANT, resourceGrantDefinition } from './resource-grant.ts';
import { type RESOURCE_REGISTRATION, resourceRegistrationDefinition } from './resource-registration.ts';

export type QuotaKind =
  | typeof RESOURCE_REGISTRATION
  | typeof RESOURCE_GRANT
  | typeof ALLOWANCE_BUCKET
  | typeof RESOURCE_CLAIM
  | typeof GRANT_CREATION_POLICY
  | typeof CLAIM_CREATION_POLICY;

/** Every kind, in dependency order (registrations first, policies last). */
export const KIND_DEFINITIONS: readonly KindDefinition[] = [
  resourceRegistrationDefinition,
  resourceGrantDefinition,
  allowanceBucketDefinition,
  resourceClaimDefinition,
  grantCreationPolicyDefinition,
  claimCreationPolicyDefinition,
];

/** Plural resource name per kind, e.g. PLURALS.ResourceClaim === 'resourceclaims'. */
export const PLURALS: Readonly<Record<QuotaKind, string>> = {
  ResourceRegistration: resourceRegistrationDefinition.plural,
  ResourceGrant: resourceGrantDefinition.plural,
  AllowanceBucket: allowanceBucketDefinition.plural,
  ResourceClaim: resourceClaimDefinition.plural,
  GrantCreationPolicy: grantCreationPolicyDefinition.plural,
  ClaimCreationPolicy: claimCreationPolicyDefinition.plural,
};

export function kindDefinition(kind: QuotaKind): KindDefinition {
  const def = KIND_DEFINITIONS.find((d) => d.kind === kind);
  if (def === undefined) throw new Error(`unknown quota kind ${kind}`);
  return def;
}

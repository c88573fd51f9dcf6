// Public surface of the quota API: types, constants, schemas/CRDs, condition helpers and validators.
// Other layers import only from here. Validators: `validate<Kind>(obj)` / `validate<Kind>Update(old, new)`
// and `validate<Kind>AgainstRegistrations(obj, lookup)` for registrations, grants, claims and buckets. The
// policy kinds need CEL, so their full validators are src/policy's `validateGrantCreationPolicy` /
// `validateClaimCreationPolicy`; the `*CreationPolicyFieldErrors` / `*RegistrationErrors` here are their
// non-CEL building blocks.
export * from './allowance-bucket.ts';
export * from './amount.ts';
export * from './claim-creation-policy.ts';
export * from './conditions.ts';
export * from './consumer.ts';
export * from './crd.ts';
export * from './equal.ts';
export * from './grant-creation-policy.ts';
export * from './kinds.ts';
export * from './labels.ts';
export * from './member.ts';
export * from './meta.ts';
export * from './quota-figures.ts';
export * from './reasons.ts';
export * from './resource-claim.ts';
export * from './resource-grant.ts';
export * from './resource-registration.ts';
export type { CelRule, Infer, JsonSchema, Schema } from './schema/builder.ts';
export { checkSchema } from './schema/check.ts';
export * from './validation/allowance-bucket.ts';
export * from './validation/claim-creation-policy.ts';
export { checkKindSchema } from './validation/common.ts';
export * from './validation/field-error.ts';
export * from './validation/grant-creation-policy.ts';
export * from './validation/names.ts';
export * from './validation/registration-errors.ts';
export * from './validation/registrations.ts';
export * from './validation/resource-claim.ts';
export * from './validation/resource-grant.ts';
export * from './validation/resource-registration.ts';

// Public surface of the quota API: types, constants, schemas/CRDs, condition helpers and validators.
// Other layers import only from here.
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
export * from './meta.ts';
export * from './reasons.ts';
export * from './resource-claim.ts';
export * from './resource-grant.ts';
export * from './resource-registration.ts';
export type { CelRule, Infer, JsonSchema, Schema } from './schema/builder.ts';
export { checkSchema } from './schema/check.ts';
export * from './validation/allowance-bucket.ts';
export * from './validation/claim-creation-policy.ts';
export * from './validation/field-error.ts';
export * from './validation/grant-creation-policy.ts';
export * from './validation/names.ts';
export * from './validation/registrations.ts';
export * from './validation/resource-claim.ts';
export * from './validation/resource-grant.ts';
export * from './validation/resource-registration.ts';

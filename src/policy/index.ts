// Public surface of src/policy: the template language and CEL environment of GrantCreationPolicy and
// ClaimCreationPolicy, and the policy validation shared by admission and controllers. Pure: no I/O.
//
// Which function to call for what:
// - Validating a policy, CREATE and UPDATE alike, anywhere: `validateGrantCreationPolicy(policy, options)` /
//   `validateClaimCreationPolicy(policy, options)` — the one full validator per kind. They run src/api's static
//   checks (CRD schema, names, keys, literal resource types, Milo's rules), then the CEL checks here, and in
//   controller mode the API-state checks (src/api's, over a `RegistrationLookup`).
//   - admission webhook: `{ mode: 'admission' }` (static only: an unregistered resource type is admitted);
//   - policy status controllers: `{ mode: 'controller', registrations: registrationLookup(cache.list()) }`,
//     reporting errors as `Ready=False/ValidationFailed` with `formatFieldErrors(errors)` (src/api).
// - Using a valid policy: `compileGrantCreationPolicy` / `compileClaimCreationPolicy` (CEL only, once per
//   policy generation), then `bindVariables`, `evaluateConstraints` and `renderObject` per trigger.
// - The operator's bucket namespace setting: `compileBucketNamespace(expression)` once at start-up (a bad
//   expression stops it), then the returned function per consumer (DEFAULT_/MILO_BUCKET_NAMESPACE_EXPRESSION).
// src/api's own `grantCreationPolicyFieldErrors` / `...RegistrationErrors` are the building blocks of the
// validators above, not something callers combine themselves.

// src/api's field error, which compile results and validators return (re-exported, not redefined).
export type { FieldError } from '../api/index.ts';
export {
  BUCKET_NAMESPACE_SETTING,
  type BucketNamespaceFn,
  compileBucketNamespace,
  DEFAULT_BUCKET_NAMESPACE_EXPRESSION,
  MILO_BUCKET_NAMESPACE_EXPRESSION,
} from './bucket-namespace.ts';
export {
  type CompiledExpression,
  compileExpression,
  evaluateExpression,
  MAX_EXPRESSION_LENGTH,
} from './compile.ts';
export {
  type CompiledConstraint,
  type ConstraintInput,
  type ConstraintOutcome,
  compileConstraint,
  constraintPath,
  evaluateConstraint,
  evaluateConstraints,
} from './constraint.ts';
export { DEFAULT_COST_LIMIT } from './cost.ts';
export {
  type Bindings,
  type BucketConsumer,
  type BucketNamespaceVariables,
  bindVariables,
  type ClaimVariables,
  createEnvironment,
  type EnvironmentKind,
  type EnvironmentOptions,
  type GrantVariables,
  type PolicyEnvironment,
  type PolicyKind,
  type RequestInfo,
  type UserInfo,
  type VariablesFor,
} from './environment.ts';
export { PolicyError, type PolicyErrorCode } from './errors.ts';
export type {
  ClaimCreationPolicyInput,
  ClaimTemplateSpec,
  ConsumerRefTemplate,
  GrantCreationPolicyInput,
  GrantTemplateSpec,
  ObjectTemplate,
  TemplateSpec,
  TriggerInput,
} from './inputs.ts';
export {
  type CompiledField,
  type CompiledObjectTemplate,
  type CompileResult,
  compileObjectTemplate,
} from './object-template.ts';
export {
  CLAIM_TEMPLATE_PATH,
  type CompiledClaimCreationPolicy,
  type CompiledGrantCreationPolicy,
  compileClaimCreationPolicy,
  compileGrantCreationPolicy,
  GRANT_TEMPLATE_PATH,
  grantPolicyTriggerRefs,
} from './policy.ts';
export {
  ALL_REFS,
  type KeyRefs,
  type MetadataRefs,
  mergeRefs,
  metadataRefs,
  NO_REFS,
  refsCovered,
} from './references.ts';
export { type RenderedMetadata, type RenderedObject, renderObject } from './render.ts';
export { splitTemplate, type TemplateSegment } from './split.ts';
export { type CompiledTemplate, compileTemplate, isLiteralTemplate, renderTemplate } from './template.ts';
export {
  type ValidationOptions,
  validateClaimCreationPolicy,
  validateGrantCreationPolicy,
} from './validate.ts';
export type { JsonObject, JsonValue } from './values.ts';

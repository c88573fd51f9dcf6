// Public surface of src/policy: the template language and CEL environment of GrantCreationPolicy and
// ClaimCreationPolicy, and the policy validation shared by admission and controllers. Pure: no I/O.

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
  bindVariables,
  type ClaimVariables,
  createEnvironment,
  type EnvironmentOptions,
  type GrantVariables,
  type PolicyEnvironment,
  type PolicyKind,
  type RequestInfo,
  type UserInfo,
  type VariablesFor,
} from './environment.ts';
export { type FieldError, PolicyError, type PolicyErrorCode } from './errors.ts';
export type {
  ClaimCreationPolicyInput,
  ClaimTemplateSpec,
  ConsumerRefTemplate,
  GrantCreationPolicyInput,
  GrantTemplateSpec,
  ObjectMetaTemplate,
  ObjectTemplate,
  RegistrationSummary,
  RegistrationView,
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
} from './policy.ts';
export { type RenderedMetadata, type RenderedObject, renderObject } from './render.ts';
export { splitTemplate, type TemplateSegment } from './split.ts';
export { type CompiledTemplate, compileTemplate, isLiteralTemplate, renderTemplate } from './template.ts';
export {
  type ValidationOptions,
  validateClaimCreationPolicy,
  validateGrantCreationPolicy,
} from './validate.ts';
export type { JsonObject, JsonValue } from './values.ts';

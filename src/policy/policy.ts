import type { FieldError } from '../api/index.ts';
import { type CompiledExpression, compileExpression } from './compile.ts';
import { type CompiledConstraint, compileConstraint, constraintPath } from './constraint.ts';
import {
  createEnvironment,
  type EnvironmentOptions,
  type PolicyEnvironment,
  type PolicyKind,
} from './environment.ts';
import { PolicyError } from './errors.ts';
import type {
  ClaimCreationPolicyInput,
  ClaimTemplateSpec,
  GrantCreationPolicyInput,
  GrantTemplateSpec,
  TriggerInput,
} from './inputs.ts';
import { type CompiledObjectTemplate, type CompileResult, compileObjectTemplate } from './object-template.ts';
import { type MetadataRefs, mergeRefs, NO_REFS } from './references.ts';

export const GRANT_TEMPLATE_PATH = 'spec.target.resourceGrantTemplate';
export const CLAIM_TEMPLATE_PATH = 'spec.target.resourceClaimTemplate';
const PARENT_NAME_PATH = 'spec.target.parentContext.nameExpression';

export interface CompiledGrantCreationPolicy {
  readonly constraints: readonly CompiledConstraint<'GrantCreationPolicy'>[];
  readonly template: CompiledObjectTemplate<'GrantCreationPolicy', GrantTemplateSpec>;
  readonly parentName?: CompiledExpression<'GrantCreationPolicy'>;
}

export interface CompiledClaimCreationPolicy {
  readonly constraints: readonly CompiledConstraint<'ClaimCreationPolicy'>[];
  readonly template: CompiledObjectTemplate<'ClaimCreationPolicy', ClaimTemplateSpec>;
}

/**
 * Compiles a GrantCreationPolicy's CEL: constraints (bool), every templated field of the grant template, and
 * `parentContext.nameExpression` (string). Only CEL problems are reported here; validateGrantCreationPolicy
 * adds src/api's static checks (names, keys, literal resource types...) and should be called first.
 */
export function compileGrantCreationPolicy(
  policy: GrantCreationPolicyInput,
  options: EnvironmentOptions = {},
): CompileResult<CompiledGrantCreationPolicy> {
  const { spec } = policy;
  const { env, errors, constraints, template } = compileTriggerAndTemplate(
    createEnvironment('GrantCreationPolicy', options),
    spec.trigger,
    (env) => compileObjectTemplate(env, spec.target.resourceGrantTemplate, GRANT_TEMPLATE_PATH),
  );
  const parentName = compileParentName(env, policy.spec.target.parentContext?.nameExpression, errors);
  if (errors.length > 0 || !template.ok) return { ok: false, errors };
  return { ok: true, value: { constraints, template: template.value, ...(parentName && { parentName }) } };
}

/** Every `trigger` label and annotation key the policy's constraints and templates may read. */
export function grantPolicyTriggerRefs(compiled: CompiledGrantCreationPolicy): MetadataRefs {
  const { template } = compiled;
  const fields = [
    template.name,
    template.generateName,
    template.namespace,
    ...template.labels.map(([, f]) => f),
    ...template.annotations.map(([, f]) => f),
    template.consumerRef?.apiGroup,
    template.consumerRef?.kind,
    template.consumerRef?.name,
    template.consumerRef?.namespace,
  ];
  const expressions = [
    ...compiled.constraints.map((c) => c.expression),
    ...(compiled.parentName ? [compiled.parentName] : []),
    ...fields
      .flatMap((f) => f?.template.parts ?? [])
      .flatMap((p) => (p.kind === 'expression' ? [p.expression] : [])),
  ];
  return expressions.reduce((refs, e) => mergeRefs(refs, e.triggerRefs), NO_REFS);
}

/**
 * Compiles a ClaimCreationPolicy's CEL: constraints and templates may use `trigger`, `user` and
 * `requestInfo`. Only CEL problems are reported here; validateClaimCreationPolicy adds src/api's static
 * checks (exclusive names, no resourceRef, distinct literal resource types...) and should be called first.
 */
export function compileClaimCreationPolicy(
  policy: ClaimCreationPolicyInput,
  options: EnvironmentOptions = {},
): CompileResult<CompiledClaimCreationPolicy> {
  const { spec } = policy;
  const { errors, constraints, template } = compileTriggerAndTemplate(
    createEnvironment('ClaimCreationPolicy', options),
    spec.trigger,
    (env) => compileObjectTemplate(env, spec.target.resourceClaimTemplate, CLAIM_TEMPLATE_PATH),
  );
  if (errors.length > 0 || !template.ok) return { ok: false, errors };
  return { ok: true, value: { constraints, template: template.value } };
}

/** What both kinds compile: the trigger's constraints and the target template, collecting their errors. */
function compileTriggerAndTemplate<K extends PolicyKind, T>(
  env: PolicyEnvironment<K>,
  trigger: TriggerInput,
  compileTemplate: (env: PolicyEnvironment<K>) => CompileResult<T>,
) {
  const errors: FieldError[] = [];
  const constraints = compileConstraints(env, trigger, errors);
  const template = compileTemplate(env);
  if (!template.ok) errors.push(...template.errors);
  return { env, errors, constraints, template };
}

function compileConstraints<K extends PolicyKind>(
  env: PolicyEnvironment<K>,
  trigger: TriggerInput,
  errors: FieldError[],
): CompiledConstraint<K>[] {
  const compiled: CompiledConstraint<K>[] = [];
  (trigger.constraints ?? []).forEach((constraint, i) => {
    const path = constraintPath(i);
    collect(errors, () => compiled.push(compileConstraint(env, constraint, path)));
  });
  return compiled;
}

/** parentContext.nameExpression: pure CEL that must yield a string (checked even though targeting is unsupported). */
function compileParentName(
  env: PolicyEnvironment<'GrantCreationPolicy'>,
  source: string | undefined,
  errors: FieldError[],
): CompiledExpression<'GrantCreationPolicy'> | undefined {
  if (source === undefined) return undefined;
  let compiled: CompiledExpression<'GrantCreationPolicy'> | undefined;
  collect(errors, () => {
    const expression = compileExpression(env, source, PARENT_NAME_PATH);
    if (expression.type.kind !== 'string' && expression.type.kind !== 'dyn') {
      throw new PolicyError('type', PARENT_NAME_PATH, `must return a string, got ${expression.type.kind}`);
    }
    compiled = expression;
  });
  return compiled;
}

function collect(errors: FieldError[], run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    errors.push(error.toFieldError());
  }
}

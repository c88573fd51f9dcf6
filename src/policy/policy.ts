import { type CompiledExpression, compileExpression } from './compile.ts';
import { type CompiledConstraint, compileConstraint, constraintPath } from './constraint.ts';
import {
  createEnvironment,
  type EnvironmentOptions,
  type PolicyEnvironment,
  type PolicyKind,
} from './environment.ts';
import { type FieldError, PolicyError } from './errors.ts';
import type {
  ClaimCreationPolicyInput,
  ClaimTemplateSpec,
  GrantCreationPolicyInput,
  GrantTemplateSpec,
  TriggerInput,
} from './inputs.ts';
import { type CompiledObjectTemplate, type CompileResult, compileObjectTemplate } from './object-template.ts';

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
 * Compiles a GrantCreationPolicy and applies every static rule (what admission checks): constraints are bool
 * CEL, template fields compile or are valid literals, metadata.name is set (grants are found by name for
 * updates and cleanup), consumerRef is set, resource types are literal.
 */
export function compileGrantCreationPolicy(
  policy: GrantCreationPolicyInput,
  options: EnvironmentOptions = {},
): CompileResult<CompiledGrantCreationPolicy> {
  const env = createEnvironment('GrantCreationPolicy', options);
  const errors: FieldError[] = [];
  const constraints = compileConstraints(env, policy.spec.trigger, errors);
  const source = policy.spec.target.resourceGrantTemplate;
  const template = compileObjectTemplate(env, source, GRANT_TEMPLATE_PATH);
  if (!template.ok) errors.push(...template.errors);
  if (!source.metadata?.name) {
    errors.push({
      path: `${GRANT_TEMPLATE_PATH}.metadata.name`,
      message:
        'Required value: grants need a deterministic name (the operator updates and deletes the grant it made ' +
        'for each trigger by name), e.g. auto-grant-{{trigger.metadata.name}}',
    });
  }
  if (!source.spec.consumerRef) {
    errors.push({
      path: `${GRANT_TEMPLATE_PATH}.spec.consumerRef`,
      message: 'Required value: the consumer the grant is for',
    });
  }
  source.spec.allowances.forEach((allowance, i) => {
    const problem = literalResourceType(allowance.resourceType);
    if (problem)
      errors.push({ path: `${GRANT_TEMPLATE_PATH}.spec.allowances[${i}].resourceType`, message: problem });
  });
  const parentName = compileParentName(env, policy.spec.target.parentContext?.nameExpression, errors);
  if (errors.length > 0 || !template.ok) return { ok: false, errors };
  return { ok: true, value: { constraints, template: template.value, ...(parentName && { parentName }) } };
}

/**
 * Compiles a ClaimCreationPolicy with its static rules: constraints and templates may use `trigger`, `user`
 * and `requestInfo`; name and generateName are exclusive; resourceRef is filled in by the operator and may
 * not be set; requests have literal, distinct resource types and amounts above zero.
 */
export function compileClaimCreationPolicy(
  policy: ClaimCreationPolicyInput,
  options: EnvironmentOptions = {},
): CompileResult<CompiledClaimCreationPolicy> {
  const env = createEnvironment('ClaimCreationPolicy', options);
  const errors: FieldError[] = [];
  const constraints = compileConstraints(env, policy.spec.trigger, errors);
  const source = policy.spec.target.resourceClaimTemplate;
  const template = compileObjectTemplate(env, source, CLAIM_TEMPLATE_PATH);
  if (!template.ok) errors.push(...template.errors);
  if (source.metadata?.name?.trim() && source.metadata.generateName?.trim()) {
    errors.push({
      path: `${CLAIM_TEMPLATE_PATH}.metadata`,
      message: 'metadata.name and metadata.generateName are mutually exclusive',
    });
  }
  if (source.spec.resourceRef !== undefined) {
    errors.push({
      path: `${CLAIM_TEMPLATE_PATH}.spec.resourceRef`,
      message: 'resourceRef field is automatically populated and cannot be set in template',
    });
  }
  const seen = new Map<string, number>();
  source.spec.requests.forEach((request, i) => {
    const at = `${CLAIM_TEMPLATE_PATH}.spec.requests[${i}]`;
    const problem = literalResourceType(request.resourceType);
    const first = seen.get(request.resourceType);
    if (problem) errors.push({ path: `${at}.resourceType`, message: problem });
    else if (first !== undefined) {
      errors.push({
        path: `${at}.resourceType`,
        message: `resource type '${request.resourceType}' is already specified in request ${first}`,
      });
    } else seen.set(request.resourceType, i);
    if (!Number.isSafeInteger(request.amount) || request.amount <= 0) {
      errors.push({ path: `${at}.amount`, message: 'amount must be greater than 0' });
    }
  });
  if (errors.length > 0 || !template.ok) return { ok: false, errors };
  return { ok: true, value: { constraints, template: template.value } };
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

function literalResourceType(resourceType: string): string | undefined {
  if (resourceType === '') return 'Required value: resource type is required';
  if (resourceType.includes('{{')) {
    return 'resource types are not templated: write the registered resource type literally';
  }
  return undefined;
}

import { type CompiledExpression, compileExpression, evaluateExpression } from './compile.ts';
import type { Bindings, PolicyEnvironment, PolicyKind } from './environment.ts';
import { PolicyError } from './errors.ts';
import { celTypeName } from './values.ts';

/** A trigger constraint as policies declare it: pure CEL (no `{{ }}`) that must be true for the policy to apply. */
export interface ConstraintInput {
  readonly expression: string;
  readonly message?: string | undefined;
}

export interface CompiledConstraint<K extends PolicyKind = PolicyKind> {
  readonly expression: CompiledExpression<K>;
  readonly message: string | undefined;
}

/** Field path of constraint `index`, as reported in errors. */
export function constraintPath(index: number, base = 'spec.trigger.constraints'): string {
  return `${base}[${index}].expression`;
}

/**
 * Compiles one constraint. Its static type must be exactly `bool`, as in Milo: a bare `trigger.spec.enabled`
 * is `dyn` (the trigger is untyped) and must be written `trigger.spec.enabled == true`, so a constraint that
 * yields a name or a list is caught when the policy is applied, not when the first object arrives.
 */
export function compileConstraint<K extends PolicyKind>(
  env: PolicyEnvironment<K>,
  constraint: ConstraintInput,
  path: string,
): CompiledConstraint<K> {
  if (constraint.expression.trimStart().startsWith('{{')) {
    throw new PolicyError(
      'syntax',
      path,
      "constraints are plain CEL without '{{ }}': write trigger.spec.type == 'Standard', not {{ ... }}",
    );
  }
  const expression = compileExpression(env, constraint.expression, path);
  if (expression.type.kind !== 'bool') {
    const shown = expression.type.kind === 'dyn' ? 'dyn (unknown until evaluated)' : expression.type.kind;
    throw new PolicyError(
      'type',
      path,
      `a constraint must return bool, but this expression has type ${shown}: ` +
        'compare explicitly, e.g. trigger.spec.enabled == true or has(trigger.spec.tier)',
    );
  }
  return { expression, message: constraint.message };
}

/** Evaluates one constraint; a non-bool result (possible only through `dyn` tricks) is an error. */
export function evaluateConstraint<K extends PolicyKind>(
  constraint: CompiledConstraint<K>,
  bindings: Bindings<K>,
): boolean {
  const value = evaluateExpression(constraint.expression, bindings);
  if (typeof value !== 'boolean') {
    throw new PolicyError(
      'evaluation',
      constraint.expression.path,
      `constraint '${constraint.expression.source}' returned a ${celTypeName(value)}, not a bool`,
    );
  }
  return value;
}

export type ConstraintOutcome =
  | { readonly holds: true }
  | { readonly holds: false; readonly index: number; readonly message: string | undefined };

/** All constraints must hold (logical AND, evaluated in order, stopping at the first false); none means true. */
export function evaluateConstraints<K extends PolicyKind>(
  constraints: readonly CompiledConstraint<K>[],
  bindings: Bindings<K>,
): ConstraintOutcome {
  for (const [index, constraint] of constraints.entries()) {
    if (!evaluateConstraint(constraint, bindings))
      return { holds: false, index, message: constraint.message };
  }
  return { holds: true };
}

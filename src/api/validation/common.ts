// Pieces every kind's validator uses: the schema check of a whole object and immutability checks.
import { type KindDefinition, openApiSchema } from '../crd.ts';
import { jsonEqual } from '../equal.ts';
import { conditionReasonsOf } from '../reasons.ts';
import { checkSchema } from '../schema/check.ts';
import { type FieldError, invalid } from './field-error.ts';

const rootSchemas = new WeakMap<KindDefinition, ReturnType<typeof openApiSchema>>();

/** Schema errors for a whole object of `def`'s kind (the checks the apiserver does before admission). */
export function checkKindSchema(def: KindDefinition, obj: unknown): FieldError[] {
  let schema = rootSchemas.get(def);
  if (schema === undefined) {
    schema = openApiSchema(def);
    rootSchemas.set(def, schema);
  }
  return [...checkSchema(schema, obj, ''), ...reasonErrors(def, obj)];
}

/**
 * The rule errors, then the schema's errors at paths no rule reported: each field gets one message, the
 * rule's (it says more, e.g. Milo's "amount must be greater than 0" rather than a bare minimum).
 */
export function rulesThenSchema(
  def: KindDefinition,
  obj: unknown,
  rules: readonly FieldError[],
): FieldError[] {
  const reported = new Set(rules.map((e) => e.path));
  return [...rules, ...checkKindSchema(def, obj).filter((e) => !reported.has(e.path))];
}

/** Conditions whose reason is outside the kind's set for that type (the CRD's CEL reason rules). */
function reasonErrors(def: KindDefinition, obj: unknown): FieldError[] {
  const conditions = (obj as { status?: { conditions?: unknown } } | undefined)?.status?.conditions;
  const reasons = conditionReasonsOf(def.kind);
  if (reasons === undefined || !Array.isArray(conditions)) return [];
  const errors: FieldError[] = [];
  conditions.forEach((c: { type?: unknown; reason?: unknown } | null, i) => {
    const allowed = typeof c?.type === 'string' ? reasons[c.type] : undefined;
    // a reason that is not a string is the schema's error (String() of it could even throw)
    if (allowed === undefined || typeof c?.reason !== 'string' || allowed.includes(c.reason)) return;
    errors.push(
      invalid(
        `status.conditions[${i}].reason`,
        `${c?.type} condition reason must be valid: one of ${allowed.join(', ')}, got ${c.reason}`,
      ),
    );
  });
  return errors;
}

/** An error at `path` when the value changed between old and new (absent and undefined are equal). */
export function immutable(oldValue: unknown, newValue: unknown, path: string, message: string): FieldError[] {
  return jsonEqual(oldValue, newValue) ? [] : [invalid(path, message)];
}

/** An error for each of the spec `fields` that changed between old and new, with `message(path)`. */
export function immutableSpecFields<S extends object>(
  old: S,
  next: S,
  fields: readonly (keyof S & string)[],
  message: (path: string) => string,
): FieldError[] {
  return fields.flatMap((field) =>
    immutable(old[field], next[field], `spec.${field}`, message(`spec.${field}`)),
  );
}

/** True when the validator can look inside `spec` (the schema check reported it otherwise). */
export function hasSpec<T extends { spec?: unknown }>(obj: T): obj is T & { spec: NonNullable<T['spec']> } {
  return typeof obj.spec === 'object' && obj.spec !== null;
}

/**
 * Runs the checks that go beyond the schema. They read the object as its type says; on an object the schema
 * already refused (a null where a list belongs) they could throw, and then the schema's errors are the answer.
 */
export function beyondSchema(schemaErrors: FieldError[], deeper: () => FieldError[]): FieldError[] {
  try {
    return [...schemaErrors, ...deeper()];
  } catch (error) {
    if (schemaErrors.length > 0 && error instanceof TypeError) return schemaErrors;
    throw error;
  }
}

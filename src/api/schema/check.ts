// Checks a value against one of our CRD schema fragments (types, required fields, bounds, patterns, enums,
// unknown fields) without an apiserver. The validators start with it so they are complete on their own
// (controllers and tests may call them on objects that never went through the apiserver). CEL rules are
// not interpreted here: each rule's meaning is re-implemented in the kind's validator.
import { at, child, type FieldError, fieldError } from '../validation/field-error.ts';
import type { JsonSchema } from './builder.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function typeMatches(s: JsonSchema, v: unknown): boolean {
  switch (s.type) {
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

function checkScalar(s: JsonSchema, v: unknown, path: string, out: FieldError[]): void {
  if (typeof v === 'string') {
    if (s.enum !== undefined && !s.enum.includes(v)) {
      out.push(
        fieldError('NotSupported', path, `unsupported value "${v}": supported values: ${s.enum.join(', ')}`),
      );
    }
    if (s.minLength !== undefined && v.length < s.minLength) {
      out.push(
        fieldError(
          s.minLength === 1 ? 'Required' : 'Invalid',
          path,
          `must be at least ${s.minLength} characters long`,
        ),
      );
    }
    if (s.maxLength !== undefined && v.length > s.maxLength) {
      out.push(fieldError('TooLong', path, `must be at most ${s.maxLength} characters long`));
    }
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(v)) {
      out.push(fieldError('Invalid', path, `"${v}" does not match the pattern ${s.pattern}`));
    }
    if (s.format === 'date-time' && !RFC3339.test(v)) {
      out.push(
        fieldError('Invalid', path, `"${v}" is not an RFC 3339 date-time such as 2024-01-31T12:00:00Z`),
      );
    }
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) {
      out.push(fieldError('Invalid', path, `must be greater than or equal to ${s.minimum}, got ${v}`));
    }
    if (s.maximum !== undefined && v > s.maximum) {
      out.push(fieldError('Invalid', path, `must be less than or equal to ${s.maximum}, got ${v}`));
    }
  }
}

function checkObject(s: JsonSchema, v: Record<string, unknown>, path: string, out: FieldError[]): void {
  for (const name of s.required ?? []) {
    if (v[name] === undefined || v[name] === null) {
      out.push(fieldError('Required', child(path, name), 'Required value'));
    }
  }
  for (const [name, value] of Object.entries(v)) {
    if (value === undefined) continue;
    const p = child(path, name);
    const prop = s.properties?.[name] ?? s.additionalProperties;
    if (prop === undefined) {
      if (s.properties !== undefined) out.push(fieldError('Invalid', p, `unknown field "${name}"`));
      continue;
    }
    checkInto(prop, value, p, out);
  }
}

function checkInto(s: JsonSchema, v: unknown, path: string, out: FieldError[]): void {
  if (v === null && s.type !== undefined) {
    out.push(fieldError('Invalid', path, `must be ${s.type === 'integer' ? 'an' : 'a'} ${s.type}, got null`));
    return;
  }
  if (!typeMatches(s, v)) {
    out.push(
      fieldError(
        'Invalid',
        path,
        `must be ${s.type === 'integer' ? 'an' : 'a'} ${s.type}, got ${describe(v)}`,
      ),
    );
    return;
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) {
      out.push(
        fieldError('Required', path, `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`),
      );
    }
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      out.push(fieldError('TooMany', path, `must have at most ${s.maxItems} items, got ${v.length}`));
    }
    const items = s.items;
    if (items !== undefined) {
      v.forEach((item, i) => {
        checkInto(items, item, at(path, i), out);
      });
    }
    return;
  }
  if (s.type === 'object') {
    checkObject(s, v as Record<string, unknown>, path, out);
    return;
  }
  checkScalar(s, v, path, out);
}

/** Field errors for `value` against `schema`; paths start at `path` (e.g. `spec`). */
export function checkSchema(schema: JsonSchema, value: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  checkInto(schema, value, path, out);
  return out;
}

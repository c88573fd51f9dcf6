// The few JMESPath forms upstream Milo's chainsaw files use, evaluated against a value. Chainsaw writes an
// expression as a key in parentheses, `(expr): expected`. Supported (and nothing else, loudly):
//   <path> != null, <path> == null        e.g. ($error != null), (allocatingBucket != null)
//   contains(<path>, '<text>')             e.g. (contains($error, 'spec.type'))
//   <field>[?<field> == '<text>']          e.g. (conditions[?type == 'Ready'])
// A <path> is `$binding` or dotted field names. An unsupported expression throws, naming it, so a newer
// upstream file shows up as "unsupported" instead of passing by accident.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Bindings = Readonly<Record<string, Json>>;

export class UnsupportedExpression extends Error {
  constructor(expr: string) {
    super(
      `unsupported chainsaw expression "(${expr})": test/milo-conformance/expressions.ts knows only "x != null", ` +
        `"x == null", "contains(x, 'text')" and "list[?field == 'text']"; add the form there`,
    );
    this.name = 'UnsupportedExpression';
  }
}

const PATH = String.raw`\$?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*`;
const NULL_TEST = new RegExp(`^(${PATH})\\s*(!=|==)\\s*null$`);
const CONTAINS = new RegExp(`^contains\\(\\s*(${PATH})\\s*,\\s*'([^']*)'\\s*\\)$`);
const FILTER = new RegExp(`^(${PATH})\\[\\?\\s*(${PATH})\\s*==\\s*'([^']*)'\\s*\\]$`);

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(path: string, current: Json | undefined, bindings: Bindings): Json | undefined {
  const [head = '', ...rest] = path.split('.');
  let value: Json | undefined = head.startsWith('$')
    ? bindings[head.slice(1)]
    : isObject(current)
      ? current[head]
      : undefined;
  for (const part of rest) value = isObject(value) ? value[part] : undefined;
  return value;
}

/** True when `key` is a chainsaw expression key, `(...)`. */
export function isExpressionKey(key: string): boolean {
  return key.startsWith('(') && key.endsWith(')');
}

/** Evaluates `expr` (without its parentheses) against `current`; throws UnsupportedExpression. */
export function evaluate(expr: string, current: Json | undefined, bindings: Bindings = {}): Json {
  const text = expr.trim();
  let m = NULL_TEST.exec(text);
  if (m?.[1] && m[2]) {
    const value = resolve(m[1], current, bindings);
    const isNull = value === undefined || value === null;
    return m[2] === '==' ? isNull : !isNull;
  }
  m = CONTAINS.exec(text);
  if (m?.[1] && m[2] !== undefined) {
    const value = resolve(m[1], current, bindings);
    if (typeof value === 'string') return value.includes(m[2]);
    if (Array.isArray(value)) return value.includes(m[2]);
    return false;
  }
  m = FILTER.exec(text);
  if (m?.[1] && m[2] && m[3] !== undefined) {
    const list = resolve(m[1], current, bindings);
    if (!Array.isArray(list)) return null;
    const [field, want] = [m[2], m[3]];
    return list.filter((item) => resolve(field, item, bindings) === want);
  }
  throw new UnsupportedExpression(text);
}

/**
 * Chainsaw's assertion tree match: every key of `expected` must match in `actual` (objects are subsets, arrays
 * match element by element with equal length, scalars are equal). Returns the first mismatch as a path and a
 * reason, or undefined when it matches.
 */
export function mismatch(
  expected: Json,
  actual: Json | undefined,
  bindings: Bindings = {},
  path = '',
): string | undefined {
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path || '.'}: expected an object, found ${JSON.stringify(actual)}`;
    for (const [key, want] of Object.entries(expected)) {
      if (isExpressionKey(key)) {
        const got = evaluate(key.slice(1, -1), actual, bindings);
        const problem = mismatch(want, got, bindings, `${path}.${key}`);
        if (problem) return problem;
        continue;
      }
      const problem = mismatch(want, actual[key], bindings, `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, found ${JSON.stringify(actual)}`;
    if (actual.length !== expected.length)
      return `${path}: expected ${expected.length} items, found ${actual.length}`;
    for (const [i, want] of expected.entries()) {
      const problem = mismatch(want, actual[i], bindings, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (expected === actual) return undefined;
  return `${path}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`;
}

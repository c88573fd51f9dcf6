import { type CelValue, celList, celMap, celType, isCelList, isCelMap, isCelUint } from '@bufbuild/cel';
import { PolicyError } from './errors.ts';

/** JSON-shaped data, as Kubernetes objects arrive from the API server (decoded JSON). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}

/** Deepest nesting accepted in a variable; deeper data is refused instead of overflowing the stack. */
export const MAX_INPUT_DEPTH = 256;

/**
 * Converts decoded JSON to CEL values the way Kubernetes' unstructured objects look to cel-go: whole numbers
 * become CEL `int` (so `trigger.spec.replicas * 2` and `string(trigger.spec.replicas)` give integers, not
 * doubles), other numbers `double`, keys whose value is `undefined` are dropped as JSON would. Anything that
 * is not JSON (functions, symbols, class instances, too deep) is a PolicyError naming the place.
 */
export function toCelValue(value: unknown, path: string, depth = 0): CelValue {
  if (depth > MAX_INPUT_DEPTH) {
    throw new PolicyError('input', path, `nested deeper than ${MAX_INPUT_DEPTH} levels`);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) {
        return celList(value.map((item: unknown, i) => toCelValue(item, `${path}[${i}]`, depth + 1)));
      }
      if (isPlainObject(value)) {
        const entries = new Map<string, CelValue>();
        for (const [key, item] of Object.entries(value)) {
          if (item !== undefined) entries.set(key, toCelValue(item, `${path}.${key}`, depth + 1));
        }
        return celMap(entries);
      }
      break;
  }
  throw new PolicyError(
    'input',
    path,
    `unsupported value of type ${describe(value)}: variables must be JSON data`,
  );
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}

/** A CEL value's type as users write it in CEL (`list`, `map`, `null`, ...). */
export function celTypeName(value: CelValue): string {
  if (value === null) return 'null';
  if (isCelList(value)) return 'list';
  if (isCelMap(value)) return 'map';
  return celType(value).name;
}

/**
 * Converts an expression result to template text: strings as they are, integers and doubles in their
 * shortest decimal form, booleans as `true`/`false`. Lists, maps, null, bytes, timestamps and durations are
 * errors: there is no obvious single spelling, so the template must say (`string()`, `join()`, ...).
 */
export function toTemplateText(value: CelValue): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return isCelUint(value) ? value.value.toString() : undefined;
  }
}

// A tiny schema builder: every call returns the OpenAPI v3 fragment that goes into the CRD *and* carries the
// TypeScript type of the values it accepts, so the CRD YAML and the TS types come from one description and
// cannot drift apart. Only the subset of OpenAPI that Kubernetes structural schemas allow is modelled.

/** One `x-kubernetes-validations` entry (a CEL rule evaluated by the apiserver). */
export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  /** Relative JSONPath (e.g. `.spec.resourceRef`) the apiserver reports the error at. */
  readonly fieldPath?: string;
  /**
   * FieldValueDuplicate is deliberately absent: the apiserver turns it into field.Duplicate, which drops
   * the message, so users would see only "Duplicate value".
   */
  readonly reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired';
}

/** The OpenAPI v3 (structural) schema fragment written into a CRD. Keys keep Kubernetes' spelling. */
export interface JsonSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  readonly description?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: 'atomic' | 'granular';
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
}

/** A schema fragment plus (at the type level only) the TS type of the values it accepts. */
export interface Schema<T> {
  readonly json: JsonSchema;
  /** Phantom: never set at runtime; lets `Infer` recover T. */
  readonly __type?: T;
}

/** Marks an object property as optional (not listed in `required`). */
export interface Optional<T> {
  readonly optional: Schema<T>;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Prop = Schema<unknown> | Optional<unknown>;
type Props = Readonly<Record<string, Prop>>;
type PropType<P> = P extends Optional<infer T> ? T : P extends Schema<infer T> ? T : never;
type RequiredKeys<P extends Props> = { [K in keyof P]: P[K] extends Optional<unknown> ? never : K }[keyof P];
type OptionalKeys<P extends Props> = Exclude<keyof P, RequiredKeys<P>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<P extends Props> = Simplify<
  { [K in RequiredKeys<P>]: PropType<P[K]> } & { [K in OptionalKeys<P>]?: PropType<P[K]> }
>;

interface Common {
  readonly description?: string;
  readonly rules?: readonly CelRule[];
}

function withCommon(json: JsonSchema, o: Common | undefined): JsonSchema {
  if (o === undefined) return json;
  // description first: it is what people read first in the generated YAML
  const out: Record<string, unknown> =
    o.description === undefined ? { ...json } : { description: o.description, ...json };
  if (o.description !== undefined) out.description = o.description;
  if (o.rules !== undefined && o.rules.length > 0) out['x-kubernetes-validations'] = o.rules;
  return out as JsonSchema;
}

function drop<T extends object>(o: T | undefined, ...keys: string[]): Partial<T> {
  if (o === undefined) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out as Partial<T>;
}

export interface StringOptions extends Common {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: 'date-time';
  readonly default?: string;
}

export function string(o?: StringOptions): Schema<string> {
  return { json: withCommon({ type: 'string', ...drop(o, 'description', 'rules') }, o) };
}

/** RFC 3339 timestamp, as Kubernetes serialises metav1.Time. */
export function dateTime(o?: Common): Schema<string> {
  return { json: withCommon({ type: 'string', format: 'date-time' }, o) };
}

export function enumOf<const V extends readonly string[]>(
  values: V,
  o?: Common & { readonly default?: V[number] },
): Schema<V[number]> {
  return { json: withCommon({ type: 'string', enum: values, ...drop(o, 'description', 'rules') }, o) };
}

export interface IntegerOptions extends Common {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
}

export function int64(o?: IntegerOptions): Schema<number> {
  return { json: withCommon({ type: 'integer', format: 'int64', ...drop(o, 'description', 'rules') }, o) };
}

export function int32(o?: IntegerOptions): Schema<number> {
  return { json: withCommon({ type: 'integer', format: 'int32', ...drop(o, 'description', 'rules') }, o) };
}

export function boolean(o?: Common & { readonly default?: boolean }): Schema<boolean> {
  return { json: withCommon({ type: 'boolean', ...drop(o, 'description', 'rules') }, o) };
}

export interface ArrayOptions extends Common {
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
}

export function array<T>(items: Schema<T>, o?: ArrayOptions): Schema<T[]> {
  const json: Record<string, unknown> = { type: 'array', items: items.json };
  if (o?.minItems !== undefined) json.minItems = o.minItems;
  if (o?.maxItems !== undefined) json.maxItems = o.maxItems;
  if (o?.listType !== undefined) json['x-kubernetes-list-type'] = o.listType;
  if (o?.listMapKeys !== undefined) json['x-kubernetes-list-map-keys'] = o.listMapKeys;
  return { json: withCommon(json as JsonSchema, o) };
}

/** `map[string]string`, e.g. labels and annotations. */
export function stringMap(o?: Common): Schema<Record<string, string>> {
  return { json: withCommon({ type: 'object', additionalProperties: { type: 'string' } }, o) };
}

export function optional<T>(s: Schema<T>): Optional<T> {
  return { optional: s };
}

function isOptional(p: Prop): p is Optional<unknown> {
  return 'optional' in p;
}

export function object<const P extends Props>(
  props: P,
  o?: Common & { readonly default?: unknown },
): Schema<ObjectOf<P>> {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, p] of Object.entries(props)) {
    if (isOptional(p)) properties[name] = p.optional.json;
    else {
      properties[name] = p.json;
      required.push(name);
    }
  }
  const json: Record<string, unknown> = { type: 'object', properties };
  if (required.length > 0) json.required = required;
  if (o?.default !== undefined) json.default = o.default;
  return { json: withCommon(json as JsonSchema, o) };
}

/** Returns a copy of a schema with extra description/rules (e.g. to reuse a shared type in another place). */
export function refine<T>(s: Schema<T>, o: Common): Schema<T> {
  const rules = [...(s.json['x-kubernetes-validations'] ?? []), ...(o.rules ?? [])];
  return { json: withCommon(s.json, { ...o, rules }) };
}

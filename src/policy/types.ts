/**
 * Static types the policy checker reasons with. @bufbuild/cel 0.6.1 has no usable type checker (its
 * `Checker` handles constants and identifiers only and is not exported), so `type-check.ts` infers these itself.
 * `record` is a map with a fixed set of string keys (`user`, `requestInfo`): selecting an unknown field is a
 * compile error, the way a declared object type would be in cel-go.
 */
export type ScalarName =
  | 'dyn'
  | 'bool'
  | 'int'
  | 'uint'
  | 'double'
  | 'string'
  | 'bytes'
  | 'null'
  | 'timestamp'
  | 'duration'
  | 'type';

export type CheckType =
  | { readonly kind: ScalarName }
  | { readonly kind: 'list'; readonly elem: CheckType }
  | { readonly kind: 'map'; readonly key: CheckType; readonly value: CheckType }
  | { readonly kind: 'record'; readonly name: string; readonly fields: Readonly<Record<string, CheckType>> };

const scalar = <K extends ScalarName>(kind: K): { readonly kind: K } => ({ kind });

export const T = {
  dyn: scalar('dyn'),
  bool: scalar('bool'),
  int: scalar('int'),
  uint: scalar('uint'),
  double: scalar('double'),
  string: scalar('string'),
  bytes: scalar('bytes'),
  null: scalar('null'),
  timestamp: scalar('timestamp'),
  duration: scalar('duration'),
  type: scalar('type'),
  list: (elem: CheckType): CheckType => ({ kind: 'list', elem }),
  map: (key: CheckType, value: CheckType): CheckType => ({ kind: 'map', key, value }),
  record: (name: string, fields: Record<string, CheckType>): CheckType => ({ kind: 'record', name, fields }),
} as const;

export function formatType(t: CheckType): string {
  switch (t.kind) {
    case 'list':
      return `list(${formatType(t.elem)})`;
    case 'map':
      return `map(${formatType(t.key)}, ${formatType(t.value)})`;
    case 'record':
      return t.name;
    default:
      return t.kind;
  }
}

const NUMERIC = new Set(['int', 'uint', 'double']);

export function isNumeric(t: CheckType): boolean {
  return NUMERIC.has(t.kind);
}

/** A record behaves as `map(string, dyn)` wherever a map is expected (it is one at runtime). */
export function asMap(t: CheckType): { key: CheckType; value: CheckType } | undefined {
  if (t.kind === 'map') return { key: t.key, value: t.value };
  if (t.kind === 'record') return { key: T.string, value: T.dyn };
  return undefined;
}

/** Whether a value of type `actual` may be passed where `expected` is declared; `dyn` fits both ways. */
export function fits(actual: CheckType, expected: CheckType): boolean {
  if (actual.kind === 'dyn' || expected.kind === 'dyn') return true;
  if (expected.kind === 'list') return actual.kind === 'list' && fits(actual.elem, expected.elem);
  if (expected.kind === 'map') {
    const m = asMap(actual);
    return m !== undefined && fits(m.key, expected.key) && fits(m.value, expected.value);
  }
  if (expected.kind === 'record') return actual.kind === 'record' && actual.name === expected.name;
  return actual.kind === expected.kind;
}

/** The common type of two branches or elements: equal types stay, anything else widens to `dyn`. */
export function join(a: CheckType, b: CheckType): CheckType {
  if (a.kind === 'dyn' || b.kind === 'dyn') return T.dyn;
  if (a.kind === 'list' && b.kind === 'list') return T.list(join(a.elem, b.elem));
  if (a.kind === 'map' && b.kind === 'map') return T.map(join(a.key, b.key), join(a.value, b.value));
  if (a.kind === 'record' && b.kind === 'record') return a.name === b.name ? a : T.dyn;
  return a.kind === b.kind ? a : T.dyn;
}

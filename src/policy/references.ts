// Which label and annotation keys of `trigger` an expression can read, found on the parsed AST. The operator's
// trigger caches keep only those keys (a tenant's 250 KB annotation that no policy reads costs nothing), so
// the answer must never be too small: any use of the maps, or of `trigger` or `trigger.metadata`, other than
// a constant key (`.key`, `["key"]`, `has(...)`, `[?"key"]`) means every key.

import type { Expr } from './ast.ts';
import { children } from './ast.ts';

export type KeyRefs = { readonly all: true } | { readonly all: false; readonly keys: ReadonlySet<string> };

export interface MetadataRefs {
  readonly labels: KeyRefs;
  readonly annotations: KeyRefs;
}

const ALL: KeyRefs = { all: true };
export const NO_REFS: MetadataRefs = {
  labels: { all: false, keys: new Set() },
  annotations: { all: false, keys: new Set() },
};
export const ALL_REFS: MetadataRefs = { labels: ALL, annotations: ALL };

const MAPS = new Set(['labels', 'annotations']);
const INDEX = new Set(['_[_]', '_[?_]', '_?._']); // the optional forms, should the parser accept them

/** The trigger label and annotation keys `expr` may read through the variable `variable`. */
export function metadataRefs(expr: Expr, variable = 'trigger'): MetadataRefs {
  let refs = NO_REFS;
  const visit = (node: Expr, parents: readonly Expr[]) => {
    const kind = node.exprKind;
    if (kind.case === 'identExpr' && kind.value.name === variable)
      refs = mergeRefs(refs, useOf([node, ...parents]));
    for (const child of children(node)) visit(child, [node, ...parents]);
  };
  visit(expr, []);
  return refs;
}

export function mergeRefs(a: MetadataRefs, b: MetadataRefs): MetadataRefs {
  return { labels: mergeKeys(a.labels, b.labels), annotations: mergeKeys(a.annotations, b.annotations) };
}

/** Whether `refs` asks for nothing `kept` lacks. */
export function refsCovered(refs: MetadataRefs, kept: MetadataRefs): boolean {
  const covered = (want: KeyRefs, have: KeyRefs) =>
    have.all || (!want.all && [...want.keys].every((k) => have.keys.has(k)));
  return covered(refs.labels, kept.labels) && covered(refs.annotations, kept.annotations);
}

function mergeKeys(a: KeyRefs, b: KeyRefs): KeyRefs {
  if (a.all || b.all) return ALL;
  return { all: false, keys: new Set([...a.keys, ...b.keys]) };
}

/** What one occurrence of the variable reads; `chain` runs from it up to the root. */
function useOf(chain: readonly Expr[]): MetadataRefs {
  const field = (i: number) => {
    const node = chain[i + 1];
    return node && selectedField(node, chain[i] as Expr);
  };
  const top = field(0);
  if (top === undefined) return ALL_REFS; // used whole, or indexed by a computed key
  if (top !== 'metadata') return NO_REFS; // spec, status, ...: not filtered
  const map = field(1);
  if (map === undefined) return ALL_REFS; // trigger.metadata used whole
  if (!MAPS.has(map)) return NO_REFS; // name, namespace, uid, ...
  const key = field(2);
  const keys: KeyRefs = key === undefined ? ALL : { all: false, keys: new Set([key]) };
  const none: KeyRefs = { all: false, keys: new Set() };
  return map === 'labels' ? { labels: keys, annotations: none } : { labels: none, annotations: keys };
}

/**
 * The constant field `node` takes of `operand`: `operand.f`, `has(operand.f)`, `operand["f"]`,
 * `operand[?"f"]`, `operand.?f`; undefined for anything else.
 */
function selectedField(node: Expr, operand: Expr): string | undefined {
  const kind = node.exprKind;
  if (kind.case === 'selectExpr') return kind.value.operand === operand ? kind.value.field : undefined;
  if (kind.case === 'callExpr' && INDEX.has(kind.value.function) && kind.value.target === undefined) {
    const [target, index] = kind.value.args;
    if (target !== operand || index === undefined) return undefined;
    const constant = index.exprKind;
    if (constant.case !== 'constExpr' || constant.value.constantKind.case !== 'stringValue') return undefined;
    return constant.value.constantKind.value;
  }
  return undefined;
}

// Test helper: evaluates the x-kubernetes-validations rules of a CRD schema node with a CEL interpreter, the
// way the apiserver would (integers as int, objects as maps), so rule logic is tested without a cluster.
import { type CelInput, run } from '@bufbuild/cel';
import type { JsonSchema } from './builder.ts';

function toCel(v: unknown): CelInput {
  if (Array.isArray(v)) return v.map(toCel);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'object' && v !== null) return new Map(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return v as CelInput;
}

/** The schema node at a dotted path below the root, e.g. `spec.claimingResources`. */
export function nodeAt(root: JsonSchema, path: string): JsonSchema {
  let node = root;
  for (const part of path.split('.')) {
    const next = node.properties?.[part];
    if (next === undefined) throw new Error(`no schema at ${path} (missing ${part})`);
    node = next;
  }
  return node;
}

/** Messages of the rules on `node` that fail for `self` (transition rules only when oldSelf is given). */
export function failingRules(node: JsonSchema, self: unknown, oldSelf?: unknown): string[] {
  const failed: string[] = [];
  for (const r of node['x-kubernetes-validations'] ?? []) {
    const transition = r.rule.includes('oldSelf');
    if (transition && oldSelf === undefined) continue;
    const vars: Record<string, CelInput> = transition
      ? { self: toCel(self), oldSelf: toCel(oldSelf) }
      : { self: toCel(self) };
    if (run(r.rule, vars) !== true) failed.push(r.message ?? r.rule);
  }
  return failed;
}

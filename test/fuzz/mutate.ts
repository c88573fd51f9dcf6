// Bad input, made from good input: take a valid object and overwrite or delete 1–3 places in it (any depth,
// objects and arrays alike) with values a careless client or a bypassed schema could send.
import fc from 'fast-check';

type Json = unknown;

/** Every path into `value` (object keys and array indexes), the root excluded. */
export function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((v, i) => [i, v] as [number, Json])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

const DELETE = Symbol('delete');

export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    DELETE,
    null,
    '',
    ' ',
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 53,
    2 ** 53 + 2,
    true,
    {},
    [],
    [null],
    '{{',
    '}}',
    '{{ trigger.metadata.name',
    'UPPER_case',
    'a'.repeat(300),
    '../x',
    'ü',
    '\u0000',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

function setAt(root: Json, path: (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value !== DELETE) node[last] = value;
  else if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else delete node[last];
}

const badString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{{',
    '}}',
    '{{ trigger.metadata.name',
    'UPPER_case',
    'a'.repeat(300),
    '../x',
    'ü',
    '\u0000',
  ),
  fc.string({ maxLength: 40 }),
);
const badNumber = fc.oneof(fc.constantFrom(0, -1, 1.5, 2 ** 53, 2 ** 53 + 2, 1e308), fc.integer());

/** A bad value of the same JSON type as `current` (what passes a structural schema), or a deletion. */
function sameTypeBadValue(current: unknown): fc.Arbitrary<unknown> {
  const drop = fc.constant<unknown>(DELETE);
  if (typeof current === 'string') return fc.oneof(drop, badString);
  if (typeof current === 'number') return fc.oneof(drop, badNumber);
  if (typeof current === 'boolean') return fc.oneof(drop, fc.boolean());
  if (Array.isArray(current)) return fc.oneof(drop, fc.constant([]));
  return fc.oneof(drop, fc.constant({}));
}

/** `base` with 1–3 places overwritten by a wrong value of the right JSON type, or deleted: input a CRD's
 * structural schema lets through to admission (types right, values and presence wrong). */
export function typedMutated<T>(base: T): fc.Arbitrary<T> {
  const all = paths(base);
  const valueAt = (path: (string | number)[]) =>
    path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], base);
  const edit = fc
    .nat({ max: all.length - 1 })
    .chain((i) => fc.tuple(fc.constant(i), sameTypeBadValue(valueAt(all[i] ?? []))));
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => apply(base, all, edits));
}

function apply<T>(base: T, all: (string | number)[][], edits: [number, unknown][]): T {
  const copy = structuredClone(base);
  for (const [i, value] of edits) {
    const path = all[i];
    // An earlier edit may have removed or replaced this path's parent: skip it then.
    try {
      if (path) setAt(copy, path, value);
    } catch {
      // parent gone
    }
  }
  return copy;
}

/** `base` with 1–3 random places overwritten (any JSON type) or deleted: what only a bypassed schema (a
 * hand-made AdmissionReview, a direct call) could deliver. */
export function mutated<T>(base: T): fc.Arbitrary<T> {
  const all = paths(base);
  return fc
    .array(fc.tuple(fc.nat({ max: all.length - 1 }), badValue), { minLength: 1, maxLength: 3 })
    .map((edits) => apply(base, all, edits));
}

/** A usable field path: rooted at a top-level field, with no JavaScript leaking into it. (Unknown keys are
 * quoted verbatim, as the apiserver does, so anything may follow the root.) */
export function isFieldPath(
  path: string,
  roots = ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
): boolean {
  return (
    roots.some((root) => path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`)) &&
    !/undefined|\[object Object\]|NaN/.test(path)
  );
}

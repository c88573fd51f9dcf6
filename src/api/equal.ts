// Semantic equality of JSON-shaped values, used by controllers to skip status writes that would change
// nothing (Milo's "semantic deep equality" before update). It treats an absent key and a key holding
// `undefined` as the same, ignores key order, and compares arrays in order (Kubernetes lists are ordered).

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!jsonEqual(ra[k], rb[k])) return false;
  return true;
}

/**
 * True when writing `next` over `current` would change nothing. Both may be undefined (no status yet).
 * An empty status object equals an absent one, since the apiserver stores them identically.
 */
export function statusEqual(current: object | undefined, next: object | undefined): boolean {
  return jsonEqual(current ?? {}, next ?? {});
}

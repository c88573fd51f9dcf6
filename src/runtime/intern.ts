// One copy of what many cached objects repeat. JSON.parse gives every object its own copy of every string
// longer than 10 characters and of every nested object: 100,000 claims hold 100,000 copies of the resource
// type, the consumer reference, the condition message, the bucket name their allocation names, the same
// timestamps. An informer transform passes those through an Interner, so equal values share one copy.
//
// Shared values are deep-frozen: a cached object is read-only by contract, and a reader that writes into one
// now fails loudly instead of changing the other objects that share it. The tables are bounded: when one is
// full it starts over (values already shared stay shared; it only forgets them), so unique values (a denial
// message with its figures, a timestamp) cost at most the table's size, never a leak.

/** Values whose JSON is longer are copied as they are: large values rarely repeat, and hashing costs. */
export const MAX_SHARED_JSON = 2048;
const DEFAULT_MAX_ENTRIES = 1 << 16;

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

export class Interner {
  readonly #maxEntries: number;
  readonly #strings = new Map<string, string>();
  /** By a 32-bit hash of the value's JSON; a collision is compared in full and simply not shared. */
  readonly #values = new Map<number, unknown>();

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    this.#maxEntries = maxEntries;
  }

  /** The shared copy of `s`. */
  string(s: string): string {
    const found = this.#strings.get(s);
    if (found !== undefined) return found;
    if (this.#strings.size >= this.#maxEntries) this.#strings.clear();
    this.#strings.set(s, s);
    return s;
  }

  /**
   * A shared, deep-frozen copy of a JSON value (strings interned), equal to `value` key for key and in key
   * order. Anything that is not a plain JSON object or array is returned as it is.
   */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.string(value) as T;
    if (typeof value !== 'object' || value === null) return value;
    const json = JSON.stringify(value);
    if (json === undefined || json.length > MAX_SHARED_JSON) return value;
    const hash = fnv1a(json);
    const found = this.#values.get(hash);
    if (found !== undefined && jsonEqual(found, value)) return found as T;
    const copy = this.#freeze(value as Json);
    if (found === undefined) {
      if (this.#values.size >= this.#maxEntries) this.#values.clear();
      this.#values.set(hash, copy);
    }
    return copy as T;
  }

  /** Forgets every table entry (values already shared stay shared). */
  clear(): void {
    this.#strings.clear();
    this.#values.clear();
  }

  /** How many strings and values the tables hold (for tests and debugging). */
  get size(): { strings: number; values: number } {
    return { strings: this.#strings.size, values: this.#values.size };
  }

  #freeze(value: Json): Json {
    if (typeof value === 'string') return this.string(value);
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return Object.freeze(value.map((v: Json) => this.#freeze(v)));
    const copy: Record<string, Json> = {};
    for (const [key, v] of Object.entries(value)) copy[key] = this.#freeze(v);
    return Object.freeze(copy);
  }
}

const NO_FIELDS: ReadonlySet<string> = new Set();

/** The interner of the informer caches: one per process, so every cache shares one copy. */
export const cacheInterner = new Interner();

/**
 * A copy of a JSON object whose string fields are interned and whose object and array fields are shared
 * (`Interner.value`), except the fields named in `own` (values unique to the object: sharing them only fills
 * the table). Anything but a plain object is shared whole.
 */
export function compactFields<T>(
  obj: T,
  own: ReadonlySet<string> = NO_FIELDS,
  interner: Interner = cacheInterner,
): T {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return interner.value(obj);
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) {
    copy[key] = own.has(key) ? v : interner.value(v);
  }
  return copy as T;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** Structural equality of two JSON values, key order included (as the hash sees them). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const key = ka[i] as string;
    if (key !== kb[i]) return false;
    if (!jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

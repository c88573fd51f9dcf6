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
    const hash = jsonHash(value);
    if (hash === undefined) return value;
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

/**
 * A 32-bit FNV-1a hash of a JSON value, walked in place: serialising it first (JSON.stringify) and hashing the
 * text cost 3 to 6 times as much, per cached object. Undefined when the value's JSON would be longer than
 * MAX_SHARED_JSON (counted as the walk goes: string lengths plus one per token, close to the JSON's length)
 * or holds anything but JSON.
 */
function jsonHash(value: object): number | undefined {
  const walk = { hash: FNV_OFFSET, budget: MAX_SHARED_JSON };
  return hashInto(value, walk) ? walk.hash >>> 0 : undefined;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

interface HashWalk {
  hash: number;
  /** Characters left before the value counts as too large to share. */
  budget: number;
}

function mix(walk: HashWalk, code: number): void {
  walk.hash = Math.imul(walk.hash ^ code, FNV_PRIME);
}

/** Counts `chars` against the budget; false once the value is too large to share. */
function spend(walk: HashWalk, chars: number): boolean {
  walk.budget -= chars;
  return walk.budget >= 0;
}

function hashString(s: string, walk: HashWalk): boolean {
  if (!spend(walk, s.length + 2)) return false;
  mix(walk, 0x22); // a quote: "ab" + "c" and "a" + "bc" differ
  for (let i = 0; i < s.length; i++) mix(walk, s.charCodeAt(i));
  return true;
}

function hashInto(value: unknown, walk: HashWalk): boolean {
  switch (typeof value) {
    case 'string':
      return hashString(value, walk);
    case 'number':
      // integers as themselves; anything else through its decimal form
      if ((value | 0) === value) mix(walk, value);
      else if (!hashString(String(value), walk)) return false;
      mix(walk, 0x23);
      return spend(walk, 4);
    case 'boolean':
      mix(walk, value ? 0x74 : 0x66);
      return spend(walk, 5);
    case 'object':
      if (value !== null) return hashContainer(value, walk);
      mix(walk, 0x6e);
      return spend(walk, 4);
    default:
      return false; // undefined, functions, symbols, bigints: not JSON
  }
}

function hashContainer(value: object, walk: HashWalk): boolean {
  if (Array.isArray(value)) {
    mix(walk, 0x5b);
    for (const item of value) if (!hashInto(item, walk) || !spend(walk, 1)) return false;
    mix(walk, 0x5d);
    return true;
  }
  mix(walk, 0x7b);
  for (const key in value) {
    if (!hashString(key, walk) || !hashInto((value as Record<string, unknown>)[key], walk)) return false;
    if (!spend(walk, 2)) return false;
  }
  mix(walk, 0x7d);
  return true;
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

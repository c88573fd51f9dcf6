// The informer's cache: objects by `namespace/name`, plus secondary indexes maintained in the same
// upsert/remove path, so an index can never disagree with the cache it indexes.
import { type KubeObject, objectKey } from './types.ts';

/** Maps an object to the index values it should be found under (e.g. its consumer key). */
export type IndexFunc = (obj: KubeObject) => string[];

/** Read-only view of a cache, what reconcilers and mapping functions get. */
export interface CacheReader {
  get(namespace: string, name: string): KubeObject | undefined;
  /** Every object, or those of one namespace. */
  list(namespace?: string): KubeObject[];
  byIndex(index: string, value: string): KubeObject[];
}

interface Index {
  fn: IndexFunc;
  values: Map<string, Set<string>>; // index value → object keys
}

export class Store implements CacheReader {
  readonly #items = new Map<string, KubeObject>();
  readonly #indexes = new Map<string, Index>();
  // list(namespace) must not scan every object of a 100k-object cache.
  readonly #namespaces: Index = { fn: (o) => [o.metadata?.namespace ?? ''], values: new Map() };

  get(namespace: string, name: string): KubeObject | undefined {
    return this.#items.get(namespace === '' ? name : `${namespace}/${name}`);
  }

  list(namespace?: string): KubeObject[] {
    return namespace === undefined ? [...this.#items.values()] : this.#lookup(this.#namespaces, namespace);
  }

  byIndex(index: string, value: string): KubeObject[] {
    const found = this.#indexes.get(index);
    if (!found) throw new Error(`cache index "${index}" does not exist: add it with addIndex first`);
    return this.#lookup(found, value);
  }

  #lookup(index: Index, value: string): KubeObject[] {
    const keys = index.values.get(value);
    if (!keys) return [];
    const objs: KubeObject[] = [];
    for (const key of keys) {
      const obj = this.#items.get(key);
      if (obj) objs.push(obj);
    }
    return objs;
  }

  /** Adds an index; existing objects are indexed at once. Names are unique per cache. */
  addIndex(name: string, fn: IndexFunc): void {
    if (this.#indexes.has(name)) throw new Error(`cache index "${name}" is already registered`);
    const index: Index = { fn, values: new Map() };
    this.#indexes.set(name, index);
    for (const [key, obj] of this.#items) this.#indexOne(index, key, obj);
  }

  hasIndex(name: string): boolean {
    return this.#indexes.has(name);
  }

  /** The live map, read-only: what a relist is diffed against. */
  snapshot(): ReadonlyMap<string, KubeObject> {
    return this.#items;
  }

  get size(): number {
    return this.#items.size;
  }

  /** Stores `obj`; returns the previous version under its key. */
  upsert(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (old) this.#unindex(key, old);
    this.#items.set(key, obj);
    this.#indexOne(this.#namespaces, key, obj);
    for (const index of this.#indexes.values()) this.#indexOne(index, key, obj);
    return old;
  }

  /** Removes the object under `obj`'s key; returns what was cached. */
  remove(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (!old) return undefined;
    this.#unindex(key, old);
    this.#items.delete(key);
    return old;
  }

  #indexOne(index: Index, key: string, obj: KubeObject): void {
    for (const value of safeIndexValues(index.fn, obj)) {
      let keys = index.values.get(value);
      if (!keys) {
        keys = new Set();
        index.values.set(value, keys);
      }
      keys.add(key);
    }
  }

  #unindex(key: string, obj: KubeObject): void {
    for (const index of [this.#namespaces, ...this.#indexes.values()]) {
      for (const value of safeIndexValues(index.fn, obj)) {
        const keys = index.values.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.values.delete(value);
      }
    }
  }
}

// An index function that throws on a malformed object must not break the cache: the object is simply
// not indexed. Index functions are pure, so the same object gives the same values when un-indexing.
function safeIndexValues(fn: IndexFunc, obj: KubeObject): string[] {
  try {
    return [...new Set(fn(obj))];
  } catch {
    return [];
  }
}

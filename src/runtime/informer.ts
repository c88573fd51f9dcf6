// A shared informer: one cache of one kind, kept current by a Reflector, fanning changes out to handlers.
// Handlers are isolated: one that throws (or returns a rejected promise) is logged and counted, and neither the
// cache, the other handlers nor the process are affected (client-node's informer turns it into an unhandled
// rejection that kills the process).
import { errorFields, type Logger } from './logger.ts';
import {
  dropManagedFields,
  type ListWatchOptions,
  Reflector,
  type ReflectorOptions,
  type ReflectorStats,
} from './reflector.ts';
import { diffRelist } from './relist-diff.ts';
import { type CacheReader, type IndexFunc, Store } from './store.ts';
import { type KubeObject, objectKey, type ResourceRef } from './types.ts';

export interface EventHandlers {
  onAdd?(obj: KubeObject): void | Promise<void>;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void | Promise<void>;
  /** After a relist, `obj` is the last state the cache knew (the final state may be unknown). */
  onDelete?(obj: KubeObject): void | Promise<void>;
}

export type InformerOptions = ReflectorOptions;

export class Informer implements CacheReader {
  readonly resource: ResourceRef;
  readonly selection: ListWatchOptions;
  /** Resolves once the first LIST has been stored; never rejects. */
  readonly synced: Promise<void>;
  readonly #store = new Store();
  readonly #handlers = new Set<EventHandlers>();
  readonly #reflector: Reflector;
  readonly #log: Logger;
  readonly #transform: (obj: KubeObject) => KubeObject;
  #markSynced: () => void = () => {};
  #hasSynced = false;
  #running: { abort: AbortController; done: Promise<void> } | undefined;
  handlerErrors = 0;

  constructor(options: InformerOptions) {
    this.resource = options.resource;
    const { namespace, labelSelector, fieldSelector } = options;
    this.selection = { ...(namespace ? { namespace } : {}), ...(labelSelector ? { labelSelector } : {}) };
    if (fieldSelector) this.selection.fieldSelector = fieldSelector;
    this.#log = options.logger.child({
      informer: `${options.resource.plural}.${options.resource.group || 'core'}`,
    });
    this.#reflector = new Reflector({ ...options, logger: this.#log }, this);
    this.#transform = options.transform ?? dropManagedFields;
    this.synced = new Promise((resolve) => {
      this.#markSynced = resolve;
    });
  }

  get stats(): Readonly<ReflectorStats> {
    return this.#reflector.stats;
  }

  /**
   * Lists again although nothing expired: the transform now keeps more than the cache holds. Returns a
   * check that is true once a list started after this call has been stored (and its difference emitted).
   */
  relist(): () => boolean {
    const needed = this.#reflector.requestRelist();
    return () => this.#reflector.listsDone >= needed;
  }

  hasSynced(): boolean {
    return this.#hasSynced;
  }

  /**
   * Starts list+watch in the background (idempotent). After `stop`, starting again keeps the cache and
   * resumes the watch from the last resourceVersion seen; a `410 Gone` then relists and emits the difference.
   */
  start(): void {
    if (this.#running) return;
    const abort = new AbortController();
    this.#running = { abort, done: this.#reflector.run(abort.signal) };
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    running.abort.abort();
    await running.done;
    this.#running = undefined;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.#store.get(namespace, name);
  }

  list(namespace?: string): KubeObject[] {
    return this.#store.list(namespace);
  }

  byIndex(index: string, value: string): KubeObject[] {
    return this.#store.byIndex(index, value);
  }

  /** Adds a secondary index. Adding the same name twice with another function is an error. */
  addIndex(name: string, fn: IndexFunc): void {
    this.#store.addIndex(name, fn);
  }

  hasIndex(name: string): boolean {
    return this.#store.hasIndex(name);
  }

  /** Registers handlers; objects already cached are delivered to them as adds first. Returns an unregister. */
  addEventHandler(handlers: EventHandlers): () => void {
    this.#handlers.add(handlers);
    for (const obj of this.#store.list()) this.#call(handlers, 'onAdd', obj);
    return () => this.#handlers.delete(handlers);
  }

  /**
   * Shows an object this process has just created (the create's answer) before its watch event arrives, so
   * handlers need not wait for the watch's hop (client-go's mutation cache, for creates only). Only into a
   * synced cache that selects everything and holds nothing of that name; the watch's own ADDED event for the
   * same resourceVersion then changes nothing (upsert).
   */
  assumeCreated(obj: KubeObject): void {
    const { namespace = '', name = '' } = obj.metadata ?? {};
    const { namespace: only, labelSelector, fieldSelector } = this.selection;
    if (!this.#hasSynced || labelSelector || fieldSelector || (only && only !== namespace)) return;
    if (this.#store.get(namespace, name) !== undefined) return;
    this.upsert(this.#transform(obj));
  }

  // --- ReflectorTarget: the only paths that change the cache ---

  replace(items: KubeObject[], refresh = false): void {
    const { adds, updates, deletes } = diffRelist(this.#store.snapshot(), items);
    // Unchanged objects, transformed anew: stored without an event (nothing happened to them).
    if (refresh) for (const obj of unchangedOnly(items, adds, updates)) this.#store.upsert(obj);
    for (const obj of deletes) {
      this.#store.remove(obj);
      this.#emit('onDelete', obj);
    }
    for (const obj of adds) {
      this.#store.upsert(obj);
      this.#emit('onAdd', obj);
    }
    for (const [oldObj, newObj] of updates) {
      this.#store.upsert(newObj);
      this.#emit('onUpdate', oldObj, newObj);
    }
    if (!this.#hasSynced) {
      this.#hasSynced = true;
      this.#log.info('cache synced', { objects: this.#store.size });
      this.#markSynced();
    } else if (adds.length + updates.length + deletes.length > 0) {
      this.#log.info('relist recovered changes', {
        adds: adds.length,
        updates: updates.length,
        deletes: deletes.length,
      });
    }
  }

  upsert(obj: KubeObject): void {
    const old = this.#store.upsert(obj);
    if (old === undefined) this.#emit('onAdd', obj);
    else if (old.metadata?.resourceVersion === obj.metadata?.resourceVersion)
      return; // seen (assumeCreated)
    else this.#emit('onUpdate', old, obj);
  }

  remove(obj: KubeObject): void {
    const old = this.#store.remove(obj);
    // A delete for something never cached (e.g. replayed after a reconnect) is not news.
    if (old !== undefined) this.#emit('onDelete', obj);
  }

  #emit(kind: keyof EventHandlers, obj: KubeObject, newObj?: KubeObject): void {
    for (const handlers of this.#handlers) this.#call(handlers, kind, obj, newObj);
  }

  #call(handlers: EventHandlers, kind: keyof EventHandlers, obj: KubeObject, newObj?: KubeObject): void {
    const fail = (err: unknown) => {
      this.handlerErrors += 1;
      this.#log.error('event handler failed', {
        handler: kind,
        key: objectKey(newObj ?? obj),
        ...errorFields(err),
      });
    };
    try {
      const result = kind === 'onUpdate' ? handlers.onUpdate?.(obj, newObj ?? obj) : handlers[kind]?.(obj);
      if (result instanceof Promise) result.catch(fail);
    } catch (err) {
      fail(err);
    }
  }
}

function unchangedOnly(
  items: readonly KubeObject[],
  adds: readonly KubeObject[],
  updates: readonly [KubeObject, KubeObject][],
): KubeObject[] {
  const changed = new Set<KubeObject>([...adds, ...updates.map(([, listed]) => listed)]);
  return items.filter((obj) => !changed.has(obj));
}

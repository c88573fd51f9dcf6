// An in-memory KubeClient for unit tests (controller-runtime's client/fake): an object tracker per resource
// with the apiserver's rules that the operator relies on. Writes bump one global resourceVersion; a stale
// resourceVersion (PUT, or a merge patch carrying one) fails with 409 Conflict, a create of an existing name
// with 409 AlreadyExists, a missing object with 404, all as the runtime's KubeApiError, as the real client
// throws them. Every resource has a status subresource: status writes change only the status, other writes
// keep it, a create drops it (seed objects with `add` to start with a status). Metadata generation advances
// when anything but metadata and status changes. Server-side apply is not modelled: use envtest for it.
//
// Watchers (fake/informers.ts) see every change as a watch event, delivered after the write's answer unless
// paused (`pauseWatch`) to stage a slow watch. Middleware (`use`) sees each request and may fail it, delay
// it, or fail it after it landed (a lost answer).
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient, PatchOptions, PatchType, WriteOptions } from '../client.ts';
import { KubeApiError } from '../kube-http.ts';
import { type KubeObject, objectKey, type ResourceRef, resourceId } from '../types.ts';

export type FakeVerb = 'get' | 'create' | 'update' | 'patch' | 'delete';

/** One request as the fake saw it. */
export interface FakeRequest {
  readonly verb: FakeVerb;
  readonly resource: ResourceRef;
  readonly namespace: string;
  readonly name: string;
  /** 'status' for status writes. */
  readonly subresource?: string;
  readonly body?: unknown;
  /** A delete's uid precondition. */
  readonly uid?: string;
}

/** Sees a request before the tracker: throw to fail it, await to delay it, throw after `next` to lose the answer. */
export type Middleware = (req: FakeRequest, next: () => Promise<unknown>) => Promise<unknown>;

export type WatchEventType = 'added' | 'modified' | 'deleted';
export type WatchListener = (type: WatchEventType, obj: KubeObject) => void;

export interface FakeClientOptions {
  /** Wall clock for creationTimestamp and deletionTimestamp. Default Date.now. */
  readonly now?: () => number;
}

export class FakeClient implements KubeClient {
  readonly kubeConfig = new KubeConfig();
  /** Every request, in order (reads included). */
  readonly requests: FakeRequest[] = [];
  readonly #now: () => number;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #listeners = new Map<string, Set<WatchListener>>();
  readonly #middleware: Middleware[] = [];
  readonly #pending: (() => void)[] = [];
  #held: ((type: WatchEventType, obj: KubeObject) => boolean) | undefined;
  #version = 1000;
  #uids = 0;

  constructor(options: FakeClientOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  // --- test controls ---

  /** Stores `obj` as given (status included), as if it had always been there; watchers see it added. */
  add<T extends KubeObject>(resource: ResourceRef, obj: T): T {
    const stored = this.#stamp(structuredClone(obj) as KubeObject, undefined);
    const metadata = stored.metadata ?? {};
    metadata.uid ??= this.#uid();
    metadata.creationTimestamp ??= new Date(this.#now()).toISOString();
    metadata.generation ??= 1;
    this.#checkScope(resource, metadata.namespace ?? '', metadata.name ?? '');
    this.#store(resource).set(objectKey(stored), stored);
    this.#emit(resource, 'added', stored);
    return structuredClone(stored) as T;
  }

  /** The stored object, or undefined (no request recorded). */
  object<T extends KubeObject>(resource: ResourceRef, namespace: string, name: string): T | undefined {
    const found = this.#store(resource).get(keyOf(namespace, name));
    return found === undefined ? undefined : (structuredClone(found) as T);
  }

  /** The stored objects of a resource (of one namespace when given), sorted by key. */
  list<T extends KubeObject>(resource: ResourceRef, namespace?: string): T[] {
    return [...this.#store(resource).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => obj)
      .filter((obj) => namespace === undefined || (obj.metadata?.namespace ?? '') === namespace)
      .map((obj) => structuredClone(obj) as T);
  }

  /** Adds middleware; the last added runs first. Returns its removal. */
  use(middleware: Middleware): () => void {
    this.#middleware.push(middleware);
    return () => {
      const at = this.#middleware.indexOf(middleware);
      if (at >= 0) this.#middleware.splice(at, 1);
    };
  }

  /** Subscribes to the changes of one resource. Returns the unsubscribe. */
  watch(resource: ResourceRef, listener: WatchListener): () => void {
    const id = resourceId(resource);
    let set = this.#listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Holds watch events back (a slow watch) until `resumeWatch`: every event, or those `match` selects (one
   * claim's, say, while the others flow).
   */
  pauseWatch(match: (type: WatchEventType, obj: KubeObject) => boolean = () => true): void {
    this.#held = match;
  }

  /** Delivers the held watch events, in order, and delivers later ones as they happen again. */
  resumeWatch(): void {
    this.#held = undefined;
    for (const deliver of this.#pending.splice(0)) deliver();
  }

  // --- KubeClient ---

  get<T extends KubeObject>(ref: ResourceRef, namespace: string, name: string): Promise<T> {
    return this.#request({ verb: 'get', resource: ref, namespace, name }, () =>
      structuredClone(this.#existing(ref, namespace, name)),
    ) as Promise<T>;
  }

  create<T extends KubeObject>(ref: ResourceRef, obj: T, options?: WriteOptions): Promise<T> {
    const namespace = obj.metadata?.namespace ?? '';
    const req = {
      verb: 'create',
      resource: ref,
      namespace,
      name: obj.metadata?.name ?? '',
      body: obj,
    } as const;
    return this.#request(req, () => {
      const created = structuredClone(obj) as KubeObject;
      const metadata = { ...created.metadata };
      if (!metadata.name && metadata.generateName)
        metadata.name = `${metadata.generateName}${(this.#uids + 1).toString(36).padStart(5, '0')}`;
      if (!metadata.name)
        throw invalid(ref, '', 'metadata.name: Required value: name or generateName is required');
      this.#checkScope(ref, namespace, metadata.name);
      if (this.#store(ref).has(keyOf(namespace, metadata.name)))
        throw new KubeApiError(409, 'AlreadyExists', `${kindName(ref)} "${metadata.name}" already exists`);
      if (metadata.resourceVersion)
        throw invalid(ref, metadata.name, 'metadata.resourceVersion: Invalid value: must be unset to create');
      const stored: KubeObject = {
        ...created,
        metadata: {
          ...metadata,
          uid: this.#uid(),
          creationTimestamp: new Date(this.#now()).toISOString(),
          generation: 1,
        },
      };
      delete stored.status; // the status subresource: a create sets no status
      delete stored.metadata?.deletionTimestamp;
      return this.#commit(ref, stored, options, 'added');
    }) as Promise<T>;
  }

  replace<T extends KubeObject>(ref: ResourceRef, obj: T, options?: WriteOptions): Promise<T> {
    return this.#update(ref, obj, undefined, options);
  }

  replaceStatus<T extends KubeObject>(ref: ResourceRef, obj: T, options?: WriteOptions): Promise<T> {
    return this.#update(ref, obj, 'status', options);
  }

  patch<T extends KubeObject>(
    ref: ResourceRef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    options?: PatchOptions,
  ): Promise<T> {
    const subresource = options?.subresource;
    if (subresource !== undefined && subresource !== 'status')
      throw new Error(`the fake client knows only the status subresource, not "${subresource}"`);
    const req = { verb: 'patch', resource: ref, namespace, name, body: patch } as const;
    return this.#change(req, subresource, (current) => {
      let next: KubeObject;
      if (type === 'merge') {
        const wanted = (patch as KubeObject).metadata?.resourceVersion;
        if (wanted !== undefined && wanted !== current.metadata?.resourceVersion) throw conflict(ref, name);
        next = mergePatch(current, patch) as KubeObject;
      } else if (type === 'json') next = jsonPatch(current, patch, ref, name);
      else
        throw new Error(
          'the fake client does not model server-side apply (field ownership): use a merge patch, or test against envtest',
        );
      return this.#write(ref, current, next, subresource, options);
    }) as Promise<T>;
  }

  patchStatus<T extends KubeObject>(
    ref: ResourceRef,
    namespace: string,
    name: string,
    status: unknown,
    options?: WriteOptions,
  ): Promise<T> {
    return this.patch(ref, namespace, name, 'merge', { status }, { ...options, subresource: 'status' });
  }

  delete(
    ref: ResourceRef,
    namespace: string,
    name: string,
    options?: WriteOptions & { uid?: string },
  ): Promise<void> {
    const uid = options?.uid === undefined ? {} : { uid: options.uid };
    return this.#request({ verb: 'delete', resource: ref, namespace, name, ...uid }, () => {
      const current = this.#existing(ref, namespace, name);
      if (options?.uid !== undefined && options.uid !== current.metadata?.uid)
        throw new KubeApiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${kindName(ref)} "${name}": Precondition failed: UID in precondition: ${options.uid}, UID in object meta: ${current.metadata?.uid ?? ''}`,
        );
      if (options?.dryRun) return undefined;
      if ((current.metadata?.finalizers ?? []).length > 0) {
        if (current.metadata?.deletionTimestamp !== undefined) return undefined;
        const deleting = structuredClone(current);
        deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date(this.#now()).toISOString() };
        this.#commit(ref, deleting, options, 'modified');
        return undefined;
      }
      this.#remove(ref, current);
      return undefined;
    }).then(() => undefined);
  }

  // --- the tracker ---

  #update<T extends KubeObject>(
    ref: ResourceRef,
    obj: T,
    subresource: 'status' | undefined,
    options: WriteOptions | undefined,
  ): Promise<T> {
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    const req = { verb: 'update', resource: ref, namespace, name, body: obj } as const;
    return this.#change(req, subresource, (current) => {
      const wanted = obj.metadata?.resourceVersion;
      if (!wanted)
        throw invalid(
          ref,
          name,
          'metadata.resourceVersion: Invalid value: 0: must be specified for an update',
        );
      if (wanted !== current.metadata?.resourceVersion) throw conflict(ref, name);
      return this.#write(ref, current, structuredClone(obj) as KubeObject, subresource, options);
    }) as Promise<T>;
  }

  /** A write to an object that must exist (404 otherwise): `change` gets the stored copy and returns the result. */
  #change(
    req: FakeRequest,
    subresource: 'status' | undefined,
    change: (current: KubeObject) => KubeObject,
  ): Promise<unknown> {
    const recorded = subresource ? { ...req, subresource } : req;
    return this.#request(recorded, () => change(this.#existing(req.resource, req.namespace, req.name)));
  }

  /** Applies the status-subresource split, generation and finalizer rules, then commits. */
  #write(
    ref: ResourceRef,
    current: KubeObject,
    proposed: KubeObject,
    subresource: string | undefined,
    options: WriteOptions | undefined,
  ): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = { ...structuredClone(current) };
      if (proposed.status === undefined || proposed.status === null) delete next.status;
      else next.status = proposed.status;
    } else {
      const metadata = {
        ...proposed.metadata,
        // fields the apiserver owns
        uid: current.metadata?.uid,
        creationTimestamp: current.metadata?.creationTimestamp,
        generation: current.metadata?.generation,
      } as NonNullable<KubeObject['metadata']>;
      if (current.metadata?.deletionTimestamp !== undefined)
        metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      else delete metadata.deletionTimestamp;
      next = { ...proposed, metadata };
      if (current.status === undefined) delete next.status;
      else next.status = structuredClone(current.status);
      if (JSON.stringify(withoutMeta(current)) !== JSON.stringify(withoutMeta(next)))
        metadata.generation = (current.metadata?.generation ?? 0) + 1;
    }
    if (options?.dryRun) return { ...next, metadata: { ...next.metadata } };
    if (next.metadata?.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      this.#remove(ref, current);
      return next;
    }
    return this.#commit(ref, next, options, 'modified');
  }

  #commit(ref: ResourceRef, obj: KubeObject, options: WriteOptions | undefined, type: WatchEventType) {
    if (options?.dryRun) return structuredClone(obj);
    const stored = this.#stamp(obj, String(++this.#version));
    this.#store(ref).set(objectKey(stored), stored);
    this.#emit(ref, type, stored);
    return structuredClone(stored);
  }

  #remove(ref: ResourceRef, current: KubeObject): void {
    this.#store(ref).delete(objectKey(current));
    // the apiserver's DELETED event carries the object at a new resourceVersion
    this.#emit(ref, 'deleted', this.#stamp(structuredClone(current), String(++this.#version)));
  }

  #stamp(obj: KubeObject, version: string | undefined): KubeObject {
    const metadata = { ...obj.metadata, resourceVersion: version ?? String(++this.#version) };
    return { ...obj, metadata };
  }

  #existing(ref: ResourceRef, namespace: string, name: string): KubeObject {
    this.#checkScope(ref, namespace, name);
    const found = this.#store(ref).get(keyOf(namespace, name));
    if (found === undefined) throw new KubeApiError(404, 'NotFound', `${kindName(ref)} "${name}" not found`);
    return found;
  }

  #checkScope(ref: ResourceRef, namespace: string, name: string): void {
    if (ref.namespaced && namespace === '')
      throw new Error(`${resourceId(ref)} is namespaced: the fake client needs a namespace for "${name}"`);
    if (!ref.namespaced && namespace !== '')
      throw new Error(`${resourceId(ref)} is cluster-scoped: namespace must be empty, got "${namespace}"`);
  }

  #store(ref: ResourceRef): Map<string, KubeObject> {
    const id = resourceId(ref);
    let store = this.#objects.get(id);
    if (store === undefined) {
      store = new Map();
      this.#objects.set(id, store);
    }
    return store;
  }

  #uid(): string {
    this.#uids += 1;
    return `00000000-0000-4000-8000-${this.#uids.toString(16).padStart(12, '0')}`;
  }

  #emit(ref: ResourceRef, type: WatchEventType, obj: KubeObject): void {
    const listeners = this.#listeners.get(resourceId(ref));
    if (listeners === undefined || listeners.size === 0) return;
    const copy = structuredClone(obj);
    const deliver = () => {
      for (const listener of listeners) listener(type, structuredClone(copy));
    };
    // A watch event arrives after the write's answer (the caller's await resumes first), unless paused.
    setImmediate(() => {
      if (this.#held?.(type, copy) === true) this.#pending.push(deliver);
      else deliver();
    });
  }

  async #request(req: FakeRequest, action: () => KubeObject | undefined): Promise<unknown> {
    this.requests.push(req);
    let next = async (): Promise<unknown> => action();
    for (const middleware of this.#middleware) {
      const inner = next;
      next = () => middleware(req, inner);
    }
    return next();
  }
}

/** A middleware that fails the requests `match` selects with `error` (`times` of them; default every one). */
export function failRequests(
  match: (req: FakeRequest) => boolean,
  error: () => unknown,
  times = Number.POSITIVE_INFINITY,
): Middleware {
  let left = times;
  return (req, next) => {
    if (left > 0 && match(req)) {
      left -= 1;
      return Promise.reject(error());
    }
    return next();
  };
}

const keyOf = (namespace: string, name: string) => (namespace === '' ? name : `${namespace}/${name}`);

function kindName(ref: ResourceRef): string {
  return ref.group === '' ? ref.plural : `${ref.plural}.${ref.group}`;
}

function conflict(ref: ResourceRef, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${kindName(ref)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
  );
}

function invalid(ref: ResourceRef, name: string, detail: string): KubeApiError {
  return new KubeApiError(422, 'Invalid', `${ref.kind ?? ref.plural} "${name}" is invalid: ${detail}`);
}

function withoutMeta(obj: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
}

/** RFC 6902 add, remove, replace and test (what the operator's callers send). */
function jsonPatch(current: KubeObject, patch: unknown, ref: ResourceRef, name: string): KubeObject {
  if (!Array.isArray(patch)) throw invalid(ref, name, 'a JSON patch must be an array of operations');
  const doc = structuredClone(current) as unknown as Record<string, unknown>;
  for (const op of patch as JsonPatchOp[]) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = parts.pop();
    if (last === undefined) throw invalid(ref, name, `JSON patch path "${op.path}" names the whole object`);
    let parent: unknown = doc;
    for (const part of parts) {
      parent = (parent as Record<string, unknown> | undefined)?.[part];
      if (parent === undefined || parent === null || typeof parent !== 'object')
        throw invalid(ref, name, `JSON patch path "${op.path}": "${part}" does not exist`);
    }
    if (Array.isArray(parent))
      applyToArray(parent, last === '-' ? parent.length : Number(last), op, ref, name);
    else applyToRecord(parent as Record<string, unknown>, last, op, ref, name);
  }
  return doc as unknown as KubeObject;
}

function applyToArray(list: unknown[], index: number, op: JsonPatchOp, ref: ResourceRef, name: string): void {
  const exists = Number.isInteger(index) && index >= 0 && index < list.length;
  if (op.op === 'add') list.splice(index, 0, structuredClone(op.value));
  else if (op.op === 'test') testValue(list[index], op, ref, name);
  else if (!exists) throw invalid(ref, name, `JSON patch ${op.op} of "${op.path}": the path does not exist`);
  else if (op.op === 'replace') list[index] = structuredClone(op.value);
  else if (op.op === 'remove') list.splice(index, 1);
  else throw invalid(ref, name, `JSON patch op "${op.op}" is not supported by the fake client`);
}

function applyToRecord(
  record: Record<string, unknown>,
  key: string,
  op: JsonPatchOp,
  ref: ResourceRef,
  name: string,
): void {
  if (op.op === 'add') record[key] = structuredClone(op.value);
  else if (op.op === 'test') testValue(record[key], op, ref, name);
  else if (!(key in record))
    throw invalid(ref, name, `JSON patch ${op.op} of "${op.path}": the path does not exist`);
  else if (op.op === 'replace') record[key] = structuredClone(op.value);
  else if (op.op === 'remove') delete record[key];
  else throw invalid(ref, name, `JSON patch op "${op.op}" is not supported by the fake client`);
}

function testValue(actual: unknown, op: JsonPatchOp, ref: ResourceRef, name: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(op.value))
    throw invalid(ref, name, `JSON patch test of "${op.path}" failed`);
}

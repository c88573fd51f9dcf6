// A source of informer events that a test drives (controller-runtime's cache/informertest): the real Informer
// and Store, fed by hand instead of by a Reflector. Its handlers, indexes and synced promise behave as in
// production, because they are the production ones; only the list and watch are replaced.
import { KubeConfig } from '@kubernetes/client-node';
import { Informer } from '../informer.ts';
import type { InformerView } from '../informer-factory.ts';
import { createLogger, type Logger } from '../logger.ts';
import { dropManagedFields, type ListWatchOptions } from '../reflector.ts';
import type { KubeObject, ResourceRef } from '../types.ts';

export interface FakeSourceOptions {
  readonly resource: ResourceRef;
  readonly selection?: ListWatchOptions;
  /** Applied to each object before it is cached, as the reflector does. Default: drop managedFields. */
  readonly view?: InformerView;
  readonly logger?: Logger;
}

export class FakeSource {
  readonly informer: Informer;
  readonly #transform: (obj: KubeObject) => KubeObject;
  readonly #selected: (obj: KubeObject) => boolean;
  #version = 0;

  constructor(options: FakeSourceOptions) {
    const selection = options.selection ?? {};
    this.#transform = options.view?.transform ?? dropManagedFields;
    this.#selected = selector(selection);
    this.informer = new Informer({
      ...selection,
      kubeConfig: new KubeConfig(), // never used: the informer is never started
      resource: options.resource,
      logger: options.logger ?? createLogger({ silent: true }),
      transform: this.#transform,
    });
  }

  /** The first list: stores `objects` (those the selection selects) and resolves `synced`. */
  sync(objects: readonly KubeObject[] = []): void {
    this.informer.replace(objects.filter(this.#selected).map((obj) => this.#transform(this.#versioned(obj))));
  }

  /** A watch ADDED or MODIFIED event. An object the selection no longer selects is removed. */
  add(obj: KubeObject): void {
    if (!this.#selected(obj)) {
      this.informer.remove(obj);
      return;
    }
    this.informer.upsert(this.#transform(this.#versioned(obj)));
  }

  update(obj: KubeObject): void {
    this.add(obj);
  }

  /** A watch DELETED event. */
  delete(obj: KubeObject): void {
    this.informer.remove(obj);
  }

  // An object without a resourceVersion, or with the cached one but other content, gets a new one: the
  // informer treats an equal resourceVersion as "seen already" (assumeCreated).
  #versioned(obj: KubeObject): KubeObject {
    const { namespace = '', name = '' } = obj.metadata ?? {};
    const cached = this.informer.get(namespace, name);
    const version = obj.metadata?.resourceVersion;
    if (version !== undefined && version !== '' && version !== cached?.metadata?.resourceVersion) return obj;
    if (cached !== undefined && sameContent(cached, this.#transform(obj)))
      return {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: cached.metadata?.resourceVersion ?? '' },
      };
    this.#version += 1;
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: `fake-${this.#version}` } };
  }
}

/** What a list/watch selection lets through: namespace, label equality/inequality/existence, name fields. */
function selector(selection: ListWatchOptions): (obj: KubeObject) => boolean {
  const tests: ((obj: KubeObject) => boolean)[] = [];
  if (selection.namespace) tests.push((o) => o.metadata?.namespace === selection.namespace);
  for (const term of splitTerms(selection.labelSelector)) {
    const m = /^(!?)([A-Za-z0-9./_-]+)(?:(==|=|!=)([A-Za-z0-9._-]*))?$/.exec(term);
    if (m === null || (m[1] === '!' && m[3] !== undefined))
      throw new Error(
        `fake informer: label selector term "${term}" is not supported (use k=v, k!=v, k or !k; sets need envtest)`,
      );
    const [, not, key = '', op, value] = m;
    const label = (o: KubeObject) => o.metadata?.labels?.[key];
    if (op === undefined) tests.push((o) => (label(o) !== undefined) !== (not === '!'));
    else if (op === '!=') tests.push((o) => label(o) !== value);
    else tests.push((o) => label(o) === value);
  }
  for (const term of splitTerms(selection.fieldSelector)) {
    const m = /^(metadata\.name|metadata\.namespace)(==|=|!=)(.*)$/.exec(term);
    if (m === null)
      throw new Error(
        `fake informer: field selector term "${term}" is not supported (only metadata.name and metadata.namespace)`,
      );
    const [, field, op, value] = m;
    const read = (o: KubeObject) =>
      (field === 'metadata.name' ? o.metadata?.name : o.metadata?.namespace) ?? '';
    tests.push(op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value);
  }
  return (obj) => tests.every((t) => t(obj));
}

const splitTerms = (selector: string | undefined) =>
  (selector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } });
  return strip(a) === strip(b);
}

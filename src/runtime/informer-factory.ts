// One shared informer per (kind, selection), so every controller and webhook reading a kind shares one
// cache and one watch (Milo ran three watchers of one kind; this is the fix). Informers requested after
// start are started at once: policy controllers watch trigger kinds that are only known at run time.
import type { KubeConfig } from '@kubernetes/client-node';
import { Informer } from './informer.ts';
import type { Logger } from './logger.ts';
import type { ListWatchOptions, ReflectorOptions } from './reflector.ts';
import { type KubeObject, type ResourceRef, resourceId } from './types.ts';

/**
 * How one informer caches its kind: what it keeps of each object, and whether it fetches metadata only.
 * The name is part of the informer's identity: two views of one kind are two informers and two watches.
 */
export interface InformerView {
  readonly name: string;
  readonly transform: (obj: KubeObject) => KubeObject;
  readonly metadataOnly?: boolean;
}

/** Tuning applied to every informer the factory makes (see ReflectorOptions for the defaults). */
export type InformerDefaults = Pick<
  ReflectorOptions,
  'pageSize' | 'watchTimeoutSeconds' | 'watchdogSlackMs' | 'backoff' | 'transform'
>;

/** An informer's identity: its kind, selection and view. The fake host keys its informers the same way. */
export function informerKey(resource: ResourceRef, selection: ListWatchOptions, view?: InformerView): string {
  const { namespace = '', labelSelector = '', fieldSelector = '' } = selection;
  return [resourceId(resource), namespace, labelSelector, fieldSelector, view?.name ?? ''].join('|');
}

export class InformerFactory {
  readonly #kubeConfig: KubeConfig;
  readonly #logger: Logger;
  readonly #defaults: InformerDefaults;
  readonly #informers = new Map<string, Informer>();
  #started = false;

  constructor(kubeConfig: KubeConfig, logger: Logger, defaults: InformerDefaults = {}) {
    this.#kubeConfig = kubeConfig;
    this.#logger = logger;
    this.#defaults = defaults;
  }

  /** The shared informer for `resource` (selection and view); created on first use. */
  informerFor(resource: ResourceRef, selection: ListWatchOptions = {}, view?: InformerView): Informer {
    if (selection.namespace && !resource.namespaced) {
      throw new Error(
        `${resourceId(resource)} is cluster-scoped: remove the namespace "${selection.namespace}"`,
      );
    }
    const key = informerKey(resource, selection, view);
    let informer = this.#informers.get(key);
    if (!informer) {
      informer = new Informer({
        ...this.#defaults,
        ...selection,
        ...(view && { transform: view.transform, metadataOnly: view.metadataOnly === true }),
        kubeConfig: this.#kubeConfig,
        resource,
        logger: this.#logger,
      });
      this.#informers.set(key, informer);
      if (this.#started) informer.start();
    }
    return informer;
  }

  /** Starts every informer, and any requested later. */
  start(): void {
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
  }

  allSynced(): boolean {
    return [...this.#informers.values()].every((i) => i.hasSynced());
  }

  /** Resolves when every informer existing now has synced, or false if `signal` aborts first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    const all = Promise.all([...this.#informers.values()].map((i) => i.synced)).then(() => true);
    if (!signal) return all;
    const aborted = new Promise<boolean>((resolve) => {
      if (signal.aborted) resolve(false);
      signal.addEventListener('abort', () => resolve(false), { once: true });
    });
    return Promise.race([all, aborted]);
  }

  informers(): Informer[] {
    return [...this.#informers.values()];
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }
}

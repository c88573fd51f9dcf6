// List-then-watch for one resource (client-go's Reflector), feeding an informer:
// - LIST in pages (limit/continue), then WATCH from the list's resourceVersion with bookmarks and a random
//   server timeout of 300–600 s so N watchers do not reconnect in lockstep;
// - a closed watch resumes from the last resourceVersion seen (event or bookmark), with no relist;
// - `410 Gone` (HTTP status or ERROR event) relists; the informer diffs the list against its cache;
// - any other failure backs off exponentially with jitter and tries again, forever: never exits the process;
// - each watch is one watchConnection (watch-connection.ts): it cuts a watch that stays silent longer than its
//   timeout + 30 s (a half-open TCP connection otherwise stalls the cache for good) and decodes ERROR events.
import type { KubeConfig } from '@kubernetes/client-node';
import { Backoff, type BackoffOptions, sleep } from './backoff.ts';
import { resourcePath } from './client.ts';
import { isGone, KubeApiError, linkedDeadline, openStream } from './kube-http.ts';
import { readList } from './list-stream.ts';
import { errorFields, type Logger } from './logger.ts';
import type { KubeObject, ResourceRef } from './types.ts';
import { WatchIdleError, watchConnection } from './watch-connection.ts';

export interface ReflectorTarget {
  /**
   * The full state after a (re)list. `refresh`: the list was requested because the transform changed, so
   * objects whose resourceVersion is unchanged are stored again too (the cached copies lack what is now kept).
   */
  replace(items: KubeObject[], refresh?: boolean): void;
  upsert(obj: KubeObject): void;
  remove(obj: KubeObject): void;
}

export interface ListWatchOptions {
  /** Only this namespace (namespaced kinds). Default all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ReflectorOptions extends ListWatchOptions {
  kubeConfig: KubeConfig;
  resource: ResourceRef;
  logger: Logger;
  /**
   * LIST page size, fixed. Default: adaptive, from 500 (client-go's) up to 10,000 objects, aiming at 16 MiB of
   * JSON per page from the size of the objects in the pages so far. Every page costs the apiserver a round of
   * work of its own (100,000 claims took 2-3 times its CPU in pages of 500 as in pages of 5,000); the body is
   * read item by item either way, so a large page costs the operator no memory.
   */
  pageSize?: number;
  /** Server-side watch timeout is drawn from [min, max] seconds. Default 300–600. */
  watchTimeoutSeconds?: { min: number; max: number };
  /** The watchdog fires after timeout + this much silence. Default 30 s. */
  watchdogSlackMs?: number;
  /** Reconnect backoff. Default 800 ms doubling to 30 s, jitter 1. */
  backoff?: BackoffOptions;
  /** Applied to every object before it is cached. Default: drop metadata.managedFields. */
  transform?: (obj: KubeObject) => KubeObject;
  /**
   * List and watch PartialObjectMetadata (apiVersion, kind and metadata only; the apiserver drops spec and
   * status) for kinds whose objects are only looked up by identity.
   */
  metadataOnly?: boolean;
}

/** Adaptive LIST pages (see ReflectorOptions.pageSize): bounds, and the JSON size aimed at. */
export const PAGE_LIMITS = { min: 500, max: 10_000, targetBytes: 16 * 2 ** 20 } as const;

/** The next page's limit, from the objects and bytes of the pages read so far in this list. */
export function nextPageLimit(items: number, bytes: number): number {
  if (items === 0 || bytes === 0) return PAGE_LIMITS.min;
  const fit = Math.floor(PAGE_LIMITS.targetBytes / (bytes / items));
  return Math.max(PAGE_LIMITS.min, Math.min(PAGE_LIMITS.max, fit));
}

/** The media types of a metadata-only list and watch (a list must ask for the List kind, or gets 406). */
export const PARTIAL_OBJECT_METADATA = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
export const PARTIAL_OBJECT_METADATA_LIST =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** A LIST page not read whole within this long is abandoned (the list is retried). */
const LIST_PAGE_TIMEOUT_MS = 60_000;
const LIST_PAGE_TIMEOUT = new DOMException(`no LIST page within ${LIST_PAGE_TIMEOUT_MS} ms`, 'TimeoutError');

/** Counters for tests and debugging. */
export interface ReflectorStats {
  lists: number;
  watches: number;
  gone: number;
  watchdogAborts: number;
  errors: number;
  lastResourceVersion: string;
}

export function dropManagedFields(obj: KubeObject): KubeObject {
  if (obj.metadata?.managedFields === undefined) return obj;
  const { managedFields: _, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

interface WatchOutcome {
  gone: boolean;
  healthy: boolean;
}

export class Reflector {
  readonly stats: ReflectorStats = {
    lists: 0,
    watches: 0,
    gone: 0,
    watchdogAborts: 0,
    errors: 0,
    lastResourceVersion: '',
  };
  readonly #o: ReflectorOptions;
  readonly #target: ReflectorTarget;
  readonly #transform: (obj: KubeObject) => KubeObject;
  readonly #backoff: Backoff;
  /** Where the next watch starts: the last resourceVersion seen, or '' to (re)list first. */
  #rv = '';
  /** Lists started and finished; a relist requested while one runs is a new one after it. */
  #listsStarted = 0;
  #listsDone = 0;
  #relist: AbortController | undefined;

  constructor(options: ReflectorOptions, target: ReflectorTarget) {
    this.#o = options;
    this.#target = target;
    this.#transform = options.transform ?? dropManagedFields;
    this.#backoff = new Backoff(options.backoff);
  }

  /** Runs until `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let goneInARow = 0;
    while (!signal.aborted) {
      try {
        const requested = this.#relist?.signal.aborted === true;
        if (this.#rv === '' || requested) {
          this.#relist = new AbortController();
          this.#rv = await this.#list(signal, requested);
        }
        this.#relist ??= new AbortController();
        const outcome = await this.#watch(signal, this.#relist.signal);
        if (outcome.gone) this.#rv = '';
        goneInARow = outcome.gone ? goneInARow + 1 : 0;
        // A 410 right after a fresh list would loop hot: only the first one relists at once.
        if (outcome.healthy && goneInARow <= 1) this.#backoff.reset();
        else await sleep(this.#backoff.next(), signal);
      } catch (err) {
        if (signal.aborted) break;
        this.stats.errors += 1;
        if (err instanceof KubeApiError && err.status === 410) {
          this.stats.gone += 1;
          this.#rv = ''; // an expired continue token or resourceVersion: start over from a fresh list
        }
        const delay = this.#backoff.next();
        this.#o.logger.warn('list/watch failed; retrying', {
          ...errorFields(err),
          retryInMs: Math.round(delay),
        });
        await sleep(delay, signal);
      }
    }
  }

  /**
   * Asks for a fresh list (a wider transform keeps more than the cache holds): the watch stops and the run
   * loop relists; the informer emits the difference. Returns the number of lists that must have finished
   * (`listsDone`) before the cache reflects the new transform.
   */
  requestRelist(): number {
    this.#relist?.abort();
    return this.#listsStarted + 1;
  }

  /** Lists completed so far. */
  get listsDone(): number {
    return this.#listsDone;
  }

  async #list(signal: AbortSignal, refresh: boolean): Promise<string> {
    this.#listsStarted += 1;
    const items: KubeObject[] = [];
    const read = { bytes: 0 };
    let continueToken: string | undefined;
    let rv = '';
    do {
      const limit = this.#o.pageSize ?? nextPageLimit(items.length, read.bytes);
      const page = await this.#listPage(continueToken, limit, signal, items, read);
      continueToken = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion ?? '';
    } while (continueToken);
    this.stats.lists += 1;
    this.stats.lastResourceVersion = rv;
    this.#target.replace(items, refresh);
    this.#listsDone += 1;
    return rv;
  }

  /** One page, read item by item: each is transformed as it arrives, so a page is never held whole. */
  async #listPage(
    continueToken: string | undefined,
    limit: number,
    signal: AbortSignal,
    into: KubeObject[],
    read: { bytes: number },
  ) {
    const { kubeConfig, resource, namespace } = this.#o;
    const deadline = linkedDeadline(LIST_PAGE_TIMEOUT_MS, () => LIST_PAGE_TIMEOUT, [signal]);
    try {
      const res = await openStream(kubeConfig, {
        path: resourcePath(resource, namespace),
        query: { ...this.#selectors(), limit, continue: continueToken },
        signal: deadline.signal,
        ...this.#accept(PARTIAL_OBJECT_METADATA_LIST),
      });
      return await this.#readPage(res, into, read);
    } finally {
      deadline.done();
    }
  }

  async #readPage(res: AsyncIterable<Buffer>, into: KubeObject[], read: { bytes: number }) {
    const first = into.length;
    const counted = async function* () {
      for await (const chunk of res) {
        read.bytes += chunk.length;
        yield chunk;
      }
    };
    const page = (await readList(counted(), (item) =>
      into.push(this.#transform(item as KubeObject)),
    )) as ListPage;
    // List items carry no apiVersion/kind; restore them so cached objects look like watched ones.
    const kind = page.kind?.replace(/List$/, '');
    for (let i = first; i < into.length; i++) {
      const typed = into[i] as KubeObject;
      if (page.apiVersion) typed.apiVersion ??= page.apiVersion;
      if (kind) typed.kind ??= kind;
    }
    return page;
  }

  #accept(metadataType: string): { accept?: string } {
    return this.#o.metadataOnly ? { accept: metadataType } : {};
  }

  async #watch(signal: AbortSignal, relist: AbortSignal): Promise<WatchOutcome> {
    const { min, max } = this.#o.watchTimeoutSeconds ?? { min: 300, max: 600 };
    const timeoutSeconds = Math.floor(min + Math.random() * (max - min + 1));
    const started = Date.now();
    let events = 0;
    this.stats.watches += 1;
    try {
      const watch = watchConnection(this.#o.kubeConfig, {
        resource: this.#o.resource,
        namespace: this.#o.namespace,
        ...this.#selectors(),
        resourceVersion: this.#rv,
        timeoutSeconds,
        idleTimeoutMs: timeoutSeconds * 1000 + (this.#o.watchdogSlackMs ?? 30_000),
        signal,
        interrupt: relist,
        ...this.#accept(PARTIAL_OBJECT_METADATA),
      });
      for await (const event of watch) {
        events += 1;
        const obj = event.type === 'BOOKMARK' ? event.object : this.#transform(event.object);
        this.#rv = obj.metadata?.resourceVersion ?? this.#rv;
        this.stats.lastResourceVersion = this.#rv;
        if (event.type === 'ADDED' || event.type === 'MODIFIED') this.#target.upsert(obj);
        else if (event.type === 'DELETED') this.#target.remove(obj);
      }
      // A watch that closes at once with nothing in it is suspicious (a proxy cutting it): back off.
      return { gone: false, healthy: events > 0 || Date.now() - started >= 1000 };
    } catch (err) {
      return this.#watchEnded(err, signal, relist);
    }
  }

  /** What a watch that threw means: a relist asked for, a silent connection cut, 410 Gone; else a failure. */
  #watchEnded(err: unknown, signal: AbortSignal, relist: AbortSignal): WatchOutcome {
    if (relist.aborted && !signal.aborted) return { gone: false, healthy: true };
    if (err instanceof WatchIdleError && !signal.aborted) {
      this.stats.watchdogAborts += 1;
      this.#o.logger.warn('watch silent too long; reconnecting', {
        silentMs: err.silentMs,
        resourceVersion: this.#rv,
      });
      return { gone: false, healthy: false };
    }
    if (isGone(err)) {
      this.stats.gone += 1;
      return { gone: true, healthy: true };
    }
    throw err;
  }

  #selectors() {
    return { labelSelector: this.#o.labelSelector, fieldSelector: this.#o.fieldSelector };
  }
}

/** A list answer without its items (they went through the transform one by one). */
interface ListPage {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
}

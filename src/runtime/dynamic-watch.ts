// Watching kinds known only at run time (policy trigger kinds, the kinds claims name): resolve the kind
// through discovery, ask whether the operator may get, list and watch it, and only then start (or reuse) the
// shared informer. An informer without permission retries forever in silence and keeps /readyz false, so a
// denial is reported to the caller instead. A kind that is not served is reported, never remembered: the
// caller asks again later (a CRD may be installed, an aggregated API may come up). Informers are never
// stopped: another caller may read the same one, and an idle watch costs little. Also the one live GET of an
// object by resource, namespace and name, for objects no cache holds.
import type { VerbChecker } from './access-review.ts';
import type { KubeClient } from './client.ts';
import type { Informer } from './informer.ts';
import type { InformerFactory, InformerView } from './informer-factory.ts';
import { isNotFound } from './kube-http.ts';
import { type KubeObject, type ResourceRef, resourceId } from './types.ts';

/** A kind as an object names it. */
export interface KindName {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Discovery's answer for a served kind. */
export interface Served {
  readonly served: true;
  readonly ref: ResourceRef;
}

/** Discovery's answer for a kind it does not serve; a discovery may add why (the CRD defining it, say). */
export interface NotServed {
  readonly served: false;
}

/** Kind → resource (cache/discovery.ts's ResourceDiscovery is one). */
export interface KindDiscovery<N extends NotServed = NotServed> {
  serving(apiVersion: string, kind: string): Promise<Served | N>;
}

/** Splits `items` by whether discovery serves the kind each names; each kind is asked once, in order. */
export async function resolveKinds<T, N extends NotServed>(
  discovery: KindDiscovery<N>,
  items: readonly T[],
  kindOf: (item: T) => KindName,
): Promise<{ resolved: { item: T; ref: ResourceRef }[]; unresolved: { item: T; why: N }[] }> {
  const answers = new Map<string, Promise<Served | N>>();
  const resolved: { item: T; ref: ResourceRef }[] = [];
  const unresolved: { item: T; why: N }[] = [];
  for (const item of items) {
    const { apiVersion, kind } = kindOf(item);
    const key = `${apiVersion}|${kind}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = discovery.serving(apiVersion, kind);
      answers.set(key, answer);
    }
    const serving = await answer;
    if (serving.served) resolved.push({ item, ref: serving.ref });
    else unresolved.push({ item, why: serving });
  }
  return { resolved, unresolved };
}

/** A watch started (its shared informer), or why it was not: the verbs the operator (user) lacks. */
export type WatchOutcome =
  | { readonly state: 'watching'; readonly ref: ResourceRef; readonly informer: Informer }
  | {
      readonly state: 'forbidden';
      readonly ref: ResourceRef;
      readonly missing: readonly string[];
      readonly user: string | undefined;
    };

/** watchKind's outcome: also, the kind is not served (with discovery's answer). */
export type KindWatchOutcome<N extends NotServed = NotServed> =
  | WatchOutcome
  | { readonly state: 'unserved'; readonly kind: KindName; readonly why: N };

export interface DynamicWatchesDeps<N extends NotServed = NotServed> {
  readonly discovery: KindDiscovery<N>;
  /** SelfSubjectAccessReviews in production (access-review.ts: SelfAccessReview). */
  readonly access: VerbChecker;
  readonly informers: Pick<InformerFactory, 'informerFor'>;
  /**
   * How long a denial is reused before access is asked again. Short, so a role granted later takes effect
   * without a restart; long enough that many reconciles of one denied kind cost one review. Default 1 s.
   */
  readonly recheckDeniedMs?: number;
  /** Tests move time. */
  readonly now?: () => number;
}

interface Attempt {
  readonly outcome: Promise<WatchOutcome>;
  /** Until when the outcome is reused: pending and started ones forever, a denial for recheckDeniedMs. */
  reuseUntil: number;
}

export class DynamicWatches<N extends NotServed = NotServed> {
  readonly #deps: DynamicWatchesDeps<N>;
  readonly #attempts = new Map<string, Attempt>();

  constructor(deps: DynamicWatchesDeps<N>) {
    this.#deps = deps;
  }

  /** Whether `kind` is served now, and as which resource; asked afresh on every call. */
  serving(kind: KindName): Promise<Served | N> {
    return this.#deps.discovery.serving(kind.apiVersion, kind.kind);
  }

  /** Resolves `kind`, then watch(): the kind's shared informer, or why there is none. */
  async watchKind(kind: KindName, view: InformerView, signal?: AbortSignal): Promise<KindWatchOutcome<N>> {
    const serving = await this.serving(kind);
    if (!serving.served) return { state: 'unserved', kind, why: serving };
    return this.watch(serving.ref, view, signal);
  }

  /**
   * The shared informer of `ref` in `view`, started once the operator may get, list and watch `ref`. One
   * attempt per (resource, view) at a time, shared by every caller; a started watch is remembered, a denial
   * for recheckDeniedMs, a failed review not at all. The view of the call that starts the informer is used.
   */
  watch(ref: ResourceRef, view: InformerView, signal?: AbortSignal): Promise<WatchOutcome> {
    const key = `${resourceId(ref)}|${view.name}`;
    const known = this.#attempts.get(key);
    if (known !== undefined && this.#now() < known.reuseUntil) return known.outcome;
    const attempt: Attempt = { outcome: this.#attempt(ref, view, signal), reuseUntil: Infinity };
    attempt.outcome.then(
      (outcome) => {
        if (outcome.state === 'forbidden') attempt.reuseUntil = this.#now() + this.#recheckMs();
      },
      () => {
        if (this.#attempts.get(key) === attempt) this.#attempts.delete(key);
      },
    );
    this.#attempts.set(key, attempt);
    return attempt.outcome;
  }

  async #attempt(ref: ResourceRef, view: InformerView, signal?: AbortSignal): Promise<WatchOutcome> {
    const missing = await this.#deps.access.missingVerbs(ref, signal);
    if (missing.length > 0) return { state: 'forbidden', ref, missing, user: await this.#deps.access.user() };
    return { state: 'watching', ref, informer: this.#deps.informers.informerFor(ref, {}, view) };
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  #recheckMs(): number {
    return this.#deps.recheckDeniedMs ?? 1_000;
  }
}

/**
 * The object as the apiserver has it now (a live GET, never a cache), or undefined when it does not exist;
 * other errors throw. For objects of run-time kinds that no informer holds.
 */
export async function readLive(
  client: Pick<KubeClient, 'get'>,
  ref: ResourceRef,
  namespace: string,
  name: string,
  signal?: AbortSignal,
): Promise<KubeObject | undefined> {
  try {
    return await client.get<KubeObject>(ref, namespace, name, signal);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

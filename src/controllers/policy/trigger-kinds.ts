// The trigger kinds the engine watches, added at run time as policies name them. A kind is watched once it
// is served and the operator may list and watch it; until then its state says why not, and the policy
// status controller asks again (on CRD changes and every few seconds). Being served is checked on every
// call, so a kind whose CRD or version goes away is reported again. Watches are never removed: the shared
// informer may serve other policies, it resumes by itself when the kind is served again, and a kind nobody
// targets any more costs one idle watch.

import type { ResourceDiscovery } from '../../cache/index.ts';
import type { MetadataRefs } from '../../policy/index.ts';
import { apiVersionOf, type Informer, type InformerFactory, type ResourceRef } from '../../runtime/index.ts';
import { type AccessChecker, forbiddenMessage } from './access.ts';
import { kindKey, notServedMessage, type TriggerKind } from './trigger-kind.ts';
import { TriggerFields } from './trigger-view.ts';

export interface WatchedKind {
  readonly key: string;
  readonly kind: TriggerKind;
  readonly ref: ResourceRef;
  readonly informer: Informer;
  /** Which trigger labels and annotations its cache keeps. */
  readonly fields: TriggerFields;
}

export type KindState =
  | { readonly state: 'watching'; readonly watched: WatchedKind }
  | { readonly state: 'unavailable'; readonly message: string };

export interface TriggerKindsDeps {
  readonly informers: InformerFactory;
  readonly discovery: ResourceDiscovery;
  readonly access: AccessChecker;
  /** The label and annotation keys the kind's policies read now: what its cache keeps from the start. */
  readonly refsFor: (key: string) => MetadataRefs;
}

export class TriggerKinds {
  readonly #deps: TriggerKindsDeps;
  readonly #watched = new Map<string, WatchedKind>();
  readonly #pending = new Map<string, Promise<KindState>>();
  readonly #listeners: ((kind: WatchedKind) => void)[] = [];

  constructor(deps: TriggerKindsDeps) {
    this.#deps = deps;
  }

  watched(key: string): WatchedKind | undefined {
    return this.#watched.get(key);
  }

  all(): WatchedKind[] {
    return [...this.#watched.values()];
  }

  /** Called once per kind when its watch starts (the engine attaches its event source here). */
  onWatch(listener: (kind: WatchedKind) => void): void {
    this.#listeners.push(listener);
  }

  /** Watches `kind` if it is served and can be; concurrent calls for one kind share one attempt. */
  async ensure(kind: TriggerKind, signal?: AbortSignal): Promise<KindState> {
    const serving = await this.#deps.discovery.serving(apiVersionOf(kind), kind.kind);
    if (!serving.served) return { state: 'unavailable', message: notServedMessage(kind, serving.crd) };
    const key = kindKey(kind);
    const watched = this.#watched.get(key);
    if (watched !== undefined) return { state: 'watching', watched };
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#attempt(key, kind, serving.ref, signal).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #attempt(
    key: string,
    kind: TriggerKind,
    ref: ResourceRef,
    signal: AbortSignal | undefined,
  ): Promise<KindState> {
    const missing = await this.#deps.access.missingVerbs(ref, signal);
    if (missing.length > 0) {
      const user = await this.#deps.access.user();
      return { state: 'unavailable', message: forbiddenMessage(ref, missing, user) };
    }
    const fields = new TriggerFields(this.#deps.refsFor(key));
    const informer = this.#deps.informers.informerFor(ref, {}, fields.view);
    const watched: WatchedKind = { key, kind, ref, informer, fields };
    this.#watched.set(key, watched);
    for (const listener of this.#listeners) listener(watched);
    return { state: 'watching', watched };
  }
}

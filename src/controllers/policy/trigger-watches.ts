// The trigger kinds the engine watches, added at run time as policies name them (through the runtime's
// dynamic watches: discovery, access check, shared informer). A kind is watched once it is served and the
// operator may get, list and watch it; until then its state says why not, and the policy status controller
// asks again (on CRD changes and every few seconds). Being served is checked on every call, so a kind whose
// CRD or version goes away is reported again. Watches are never removed: the shared informer may serve other
// policies, it resumes by itself when the kind is served again, and a kind nobody targets any more costs one
// idle watch.

import type { Serving } from '../../cache/index.ts';
import type { MetadataRefs } from '../../policy/index.ts';
import { apiVersionOf, type DynamicWatches, type Informer, type ResourceRef } from '../../runtime/index.ts';
import { forbiddenMessage } from './access.ts';
import { kindKey, notServedMessage, type TriggerKind } from './trigger-kind.ts';
import { TriggerFields } from './trigger-view.ts';

/** Discovery's answer for a kind it does not serve: the CRD defining the kind, if any, says why. */
export type NotServedKind = Extract<Serving, { served: false }>;

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

export interface TriggerWatchesDeps {
  readonly watches: Pick<DynamicWatches<NotServedKind>, 'serving' | 'watch'>;
  /** The label and annotation keys the kind's policies read now: what its cache keeps from the start. */
  readonly refsFor: (key: string) => MetadataRefs;
}

export class TriggerWatches {
  readonly #deps: TriggerWatchesDeps;
  readonly #watched = new Map<string, WatchedKind>();
  readonly #pending = new Map<string, Promise<KindState>>();
  readonly #listeners: ((kind: WatchedKind) => void)[] = [];

  constructor(deps: TriggerWatchesDeps) {
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

  /**
   * Watches `kind` if it is served and can be. Concurrent calls for one kind share one attempt, so the
   * TriggerFields made for it is the one its informer keeps.
   */
  async ensure(kind: TriggerKind, signal?: AbortSignal): Promise<KindState> {
    const serving = await this.#deps.watches.serving({ apiVersion: apiVersionOf(kind), kind: kind.kind });
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
    const fields = new TriggerFields(this.#deps.refsFor(key));
    const outcome = await this.#deps.watches.watch(ref, fields.view, signal);
    if (outcome.state === 'forbidden')
      return { state: 'unavailable', message: forbiddenMessage(ref, outcome.missing, outcome.user) };
    const watched: WatchedKind = { key, kind, ref, informer: outcome.informer, fields };
    this.#watched.set(key, watched);
    for (const listener of this.#listeners) listener(watched);
    return { state: 'watching', watched };
  }
}

// Waits for claims' decisions, fed by the shared claim informer (Milo ran its own watch loop per plugin; one
// informer serves the controllers and every waiter here). A waiter is registered before its claim is created,
// so no decision can slip between the create and the wait.
import type { ResourceClaim } from '../../api/index.ts';
import { claimOutcome } from '../../quota/index.ts';
import type { Informer, KubeObject } from '../../runtime/index.ts';

export type WaiterAnswer =
  | { readonly outcome: 'granted' | 'denied'; readonly claim: ResourceClaim }
  | { readonly outcome: 'deleted' | 'timeout' | 'aborted' };

interface Pending {
  readonly uid: { value: string | undefined };
  /** A replaced claim of the same name whose late events must not answer this waiter. */
  readonly ignoreUid: string | undefined;
  /** Events seen before the create returned our uid: replayed by bindUid, so an older claim of the same
   * name (its late decision or deletion) can never answer for ours. */
  readonly early: [KubeObject, WaiterAnswer][];
  resolve(result: WaiterAnswer): void;
}

/** Events kept per waiter until its uid is known (a create answers within milliseconds). */
const MAX_EARLY_EVENTS = 16;

const keyOf = (obj: KubeObject) => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

export class ClaimWaiter {
  readonly #waiting = new Map<string, Set<Pending>>();
  readonly #detach: () => void;

  constructor(claims: Informer) {
    this.#detach = claims.addEventHandler({
      onAdd: (obj) => this.#observe(obj),
      onUpdate: (_old, obj) => this.#observe(obj),
      onDelete: (obj) => this.#settle(obj, { outcome: 'deleted' }),
    });
  }

  /**
   * Starts waiting for `namespace/name`; call before creating the claim. `bindUid` (once the create returns)
   * ties the waiter to that object, so a deleted-and-recreated claim of the same name cannot answer it.
   */
  register(namespace: string, name: string, timeoutMs: number, signal: AbortSignal, ignoreUid?: string) {
    const key = `${namespace}/${name}`;
    const uid: { value: string | undefined } = { value: undefined };
    let pending: Pending | undefined;
    const result = new Promise<WaiterAnswer>((resolve) => {
      const timer = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
      const onAbort = () => finish({ outcome: 'aborted' });
      const finish = (r: WaiterAnswer) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiting.get(key)?.delete(entry);
        if (this.#waiting.get(key)?.size === 0) this.#waiting.delete(key);
        resolve(r);
      };
      const entry: Pending = { uid, ignoreUid, early: [], resolve: finish };
      pending = entry;
      signal.addEventListener('abort', onAbort, { once: true });
      const set = this.#waiting.get(key) ?? new Set<Pending>();
      this.#waiting.set(key, set);
      set.add(entry);
    });
    return {
      result,
      bindUid: (value: string | undefined) => {
        uid.value = value;
        const early = pending?.early.splice(0) ?? [];
        const answer = early.find(([obj]) => obj.metadata?.uid === value);
        if (answer !== undefined) pending?.resolve(answer[1]);
      },
      cancel: () => pending?.resolve({ outcome: 'aborted' }),
    };
  }

  /** Resolves waiters at once from an object already decided (e.g. a retried create finding its claim). */
  observe(claim: ResourceClaim): void {
    this.#observe(claim as KubeObject);
  }

  get size(): number {
    return this.#waiting.size;
  }

  close(): void {
    this.#detach();
  }

  #observe(obj: KubeObject): void {
    const claim = obj as unknown as ResourceClaim;
    const outcome = claimOutcome(claim.spec?.requests ?? [], claim.status?.allocations ?? []);
    if (outcome === 'pending') return;
    this.#settle(obj, { outcome, claim });
  }

  #settle(obj: KubeObject, result: WaiterAnswer): void {
    const uid = obj.metadata?.uid;
    for (const pending of [...(this.#waiting.get(keyOf(obj)) ?? [])]) {
      if (pending.ignoreUid !== undefined && uid === pending.ignoreUid) continue;
      if (pending.uid.value === uid) pending.resolve(result);
      else if (pending.uid.value === undefined) {
        pending.early.push([obj, result]);
        if (pending.early.length > MAX_EARLY_EVENTS) pending.early.shift();
      }
    }
  }
}

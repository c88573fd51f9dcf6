// The six quota kinds as runtime resources, and typed views of their shared informer caches. The cast from
// the runtime's KubeObject to a quota type happens here only: the apiserver validated every stored object
// against the CRD schema the types are generated from.
import {
  type AllowanceBucket,
  type ClaimCreationPolicy,
  GROUP,
  type GrantCreationPolicy,
  kindDefinition,
  type QuotaKind,
  type ResourceClaim,
  type ResourceGrant,
  type ResourceRegistration,
  VERSION,
} from '../api/index.ts';
import type { Informer, KubeObject, ResourceRef } from '../runtime/index.ts';

export function quotaResource(kind: QuotaKind): ResourceRef {
  const def = kindDefinition(kind);
  return { group: GROUP, version: VERSION, plural: def.plural, namespaced: def.scope === 'Namespaced', kind };
}

export const RESOURCES = {
  registrations: quotaResource('ResourceRegistration'),
  grants: quotaResource('ResourceGrant'),
  buckets: quotaResource('AllowanceBucket'),
  claims: quotaResource('ResourceClaim'),
  grantPolicies: quotaResource('GrantCreationPolicy'),
  claimPolicies: quotaResource('ClaimCreationPolicy'),
} as const;

/** A quota object as the runtime's generic object (events, owner mapping): the same JSON, wider type. */
export function asKubeObject(obj: object): KubeObject {
  return obj as KubeObject;
}

/** A read-only, typed view of one informer's cache: what reconcilers and webhooks read (a webhook's
 * cross-object check takes only `list` and `synced`, so its tests can pass a plain list). */
export interface TypedCache<T> {
  readonly informer: Informer;
  get(namespace: string, name: string): T | undefined;
  list(namespace?: string): T[];
  byIndex(index: string, value: string): T[];
  /** Resolves once the cache has synced; rejects if `signal` aborts first (a request's deadline). */
  synced(signal: AbortSignal): Promise<void>;
}

export function typedCache<T extends object>(informer: Informer): TypedCache<T> {
  const as = (obj: KubeObject | undefined) => obj as T | undefined;
  const all = (objs: KubeObject[]) => objs as unknown as T[];
  return {
    informer,
    get: (namespace, name) => as(informer.get(namespace, name)),
    list: (namespace) => all(informer.list(namespace)),
    byIndex: (index, value) => all(informer.byIndex(index, value)),
    synced: (signal) => syncedOrAborted(informer, signal),
  };
}

/** One typed cache per quota kind (QuotaCache holds them, with the decisions in flight). */
export interface QuotaKindCaches {
  readonly registrations: TypedCache<ResourceRegistration>;
  readonly grants: TypedCache<ResourceGrant>;
  readonly buckets: TypedCache<AllowanceBucket>;
  readonly claims: TypedCache<ResourceClaim>;
  readonly grantPolicies: TypedCache<GrantCreationPolicy>;
  readonly claimPolicies: TypedCache<ClaimCreationPolicy>;
}

/** Resolves once the informer has synced; rejects, saying to retry, if `signal` aborts first. */
async function syncedOrAborted(informer: Informer, signal: AbortSignal): Promise<void> {
  if (informer.hasSynced()) return;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () =>
      reject(new Error(`the ${informer.resource.plural} cache has not synced yet; retry the request`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void informer.synced.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

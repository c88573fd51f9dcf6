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
import type { Informer, InformerFactory, KubeObject, ResourceRef } from '../runtime/index.ts';
import { quotaView } from './cache-views.ts';

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

/** A read-only, typed view of one informer's cache. */
export interface TypedCache<T> {
  readonly informer: Informer;
  get(namespace: string, name: string): T | undefined;
  list(namespace?: string): T[];
  byIndex(index: string, value: string): T[];
}

export function typedCache<T extends object>(informer: Informer): TypedCache<T> {
  const as = (obj: KubeObject | undefined) => obj as T | undefined;
  const all = (objs: KubeObject[]) => objs as unknown as T[];
  return {
    informer,
    get: (namespace, name) => as(informer.get(namespace, name)),
    list: (namespace) => all(informer.list(namespace)),
    byIndex: (index, value) => all(informer.byIndex(index, value)),
  };
}

/** The caches every quota controller reads, one shared informer per kind, slimmed (cache-views.ts). */
export interface QuotaCaches {
  readonly registrations: TypedCache<ResourceRegistration>;
  readonly grants: TypedCache<ResourceGrant>;
  readonly buckets: TypedCache<AllowanceBucket>;
  readonly claims: TypedCache<ResourceClaim>;
  readonly grantPolicies: TypedCache<GrantCreationPolicy>;
  readonly claimPolicies: TypedCache<ClaimCreationPolicy>;
}

export function quotaCaches(informers: Pick<InformerFactory, 'informerFor'>): QuotaCaches {
  return {
    registrations: typedCache(
      informers.informerFor(RESOURCES.registrations, {}, quotaView('ResourceRegistration')),
    ),
    grants: typedCache(informers.informerFor(RESOURCES.grants, {}, quotaView('ResourceGrant'))),
    buckets: typedCache(informers.informerFor(RESOURCES.buckets, {}, quotaView('AllowanceBucket'))),
    claims: typedCache(informers.informerFor(RESOURCES.claims, {}, quotaView('ResourceClaim'))),
    grantPolicies: typedCache(
      informers.informerFor(RESOURCES.grantPolicies, {}, quotaView('GrantCreationPolicy')),
    ),
    claimPolicies: typedCache(
      informers.informerFor(RESOURCES.claimPolicies, {}, quotaView('ClaimCreationPolicy')),
    ),
  };
}

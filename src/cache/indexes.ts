// Secondary indexes on the shared caches: the lookups the reconcilers make on every pass, kept up to date by
// the informers instead of scanning whole lists (Milo listed every grant in the cluster per bucket reconcile).
import type { AllowanceBucket, ResourceClaim, ResourceGrant, ResourceRegistration } from '../api/index.ts';
import { consumerKeyOf } from '../quota/index.ts';
import type { KubeObject } from '../runtime/index.ts';
import type { QuotaKindCaches, TypedCache } from './resources.ts';

export const BY_CONSUMER = 'consumer';
export const BY_RESOURCE_TYPE = 'resourceType';
export const BY_RESOURCE_REF = 'resourceRef';

/** The engine's; re-exported for the layers that read quota state through the cache. */
export { consumerKeyOf };

const keyList = (key: string | undefined): string[] => (key === undefined ? [] : [key]);
// Index functions see the runtime's generic object; the spec is read through the kind's own type.
const spec = <T>(obj: KubeObject): T | undefined => (obj as { spec?: T }).spec;

export function claimConsumer(obj: KubeObject): string[] {
  return keyList(consumerKeyOf(spec<ResourceClaim['spec']>(obj)?.consumerRef));
}

export function grantConsumer(obj: KubeObject): string[] {
  return keyList(consumerKeyOf(spec<ResourceGrant['spec']>(obj)?.consumerRef));
}

export function bucketConsumer(obj: KubeObject): string[] {
  return keyList(consumerKeyOf(spec<AllowanceBucket['spec']>(obj)?.consumerRef));
}

/** `group/kind/namespace/name` of the object a claim pays for (namespace as written in the resourceRef). */
export function resourceRefKey(group: string, kind: string, namespace: string, name: string): string {
  return `${group}/${kind}/${namespace}/${name}`;
}

/** Claims not linked to their object yet, by the object they name; linked claims need no lookup. */
export function claimResourceRef(obj: KubeObject): string[] {
  const ref = spec<ResourceClaim['spec']>(obj)?.resourceRef;
  if (ref === undefined || (obj.metadata?.ownerReferences ?? []).length > 0) return [];
  return [resourceRefKey(ref.apiGroup ?? '', ref.kind, ref.namespace ?? '', ref.name)];
}

export function grantResourceTypes(obj: KubeObject): string[] {
  return [...new Set((spec<ResourceGrant['spec']>(obj)?.allowances ?? []).map((a) => a.resourceType))];
}

export function registrationResourceType(obj: KubeObject): string[] {
  const type = spec<ResourceRegistration['spec']>(obj)?.resourceType;
  return type === undefined ? [] : [type];
}

/** Adds every index the controllers use; idempotent, so setup order does not matter. */
export function addIndexes(caches: QuotaKindCaches): void {
  const add = (cache: TypedCache<object>, name: string, fn: (o: KubeObject) => string[]) => {
    if (!cache.informer.hasIndex(name)) cache.informer.addIndex(name, fn);
  };
  add(caches.claims, BY_CONSUMER, claimConsumer);
  add(caches.claims, BY_RESOURCE_REF, claimResourceRef);
  add(caches.grants, BY_CONSUMER, grantConsumer);
  add(caches.buckets, BY_CONSUMER, bucketConsumer);
  add(caches.grants, BY_RESOURCE_TYPE, grantResourceTypes);
  add(caches.registrations, BY_RESOURCE_TYPE, registrationResourceType);
}

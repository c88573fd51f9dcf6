// The minimal object shapes the runtime needs. It is generic over kinds, so it reads only metadata.

/** An owner reference as stored in `metadata.ownerReferences`. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The metadata fields the runtime reads; everything else passes through untouched. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  creationTimestamp?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  deletionTimestamp?: string;
  managedFields?: unknown[];
}

/**
 * Any Kubernetes object. No index signature on purpose: kind-specific interfaces (which have none) must be
 * assignable to it; other fields travel untouched and are read through the kind's own type.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  /** Untyped here; narrow with the kind's own type. */
  spec?: unknown;
  status?: unknown;
}

/**
 * Which resource an informer or client talks to. `group` is '' for the core group.
 * `kind` is only used to fill `involvedObject`/owner matching; the plural is what the URL needs.
 */
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  kind?: string;
}

/** A reconcile request: which object to bring to its desired state. Never the event itself. */
export interface Request {
  namespace: string;
  name: string;
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: KubeObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace ?? '';
  return namespace === '' ? name : `${namespace}/${name}`;
}

export function requestKey(req: Request): string {
  return req.namespace === '' ? req.name : `${req.namespace}/${req.name}`;
}

export function requestFromKey(key: string): Request {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function requestFor(obj: KubeObject): Request {
  return { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}

/** `group/version`, or `version` alone for the core group. */
export function apiVersionOf(ref: Pick<ResourceRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

/** A stable identity for a resource, used to share one informer per kind. */
export function resourceId(ref: ResourceRef): string {
  return `${ref.plural}.${apiVersionOf(ref)}`;
}

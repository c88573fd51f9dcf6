// API group constants and the Kubernetes object envelope, as they appear on the wire (JSON), so timestamps
// are RFC 3339 strings rather than Date objects.

export const GROUP = 'quota.miloapis.com';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** The category every quota kind belongs to: `kubectl get milo-quota` lists them all. */
export const CATEGORY = 'milo-quota';

export type ApiVersion = typeof API_VERSION;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** The common shape of the six quota kinds. `status` is absent until a controller (or a default) sets it. */
export interface QuotaObject<K extends string, Spec, Status> {
  apiVersion: ApiVersion;
  kind: K;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** Narrows an unknown object (e.g. from a watch) to a quota kind by apiVersion and kind only. */
export function isKind<K extends string>(obj: unknown, kind: K): obj is { apiVersion: ApiVersion; kind: K } {
  if (typeof obj !== 'object' || obj === null) return false;
  const o = obj as { apiVersion?: unknown; kind?: unknown };
  return o.apiVersion === API_VERSION && o.kind === kind;
}

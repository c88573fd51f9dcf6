// API group constants and the Kubernetes object envelope, as they appear on the wire (JSON), so timestamps
// are RFC 3339 strings rather than Date objects.
import type { ObjectMeta } from '../runtime/types.ts';

export const GROUP = 'quota.miloapis.com';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** The category every quota kind belongs to: `kubectl get milo-quota` lists them all. */
export const CATEGORY = 'milo-quota';

export type ApiVersion = typeof API_VERSION;

/** Kubernetes object metadata: one definition, the runtime's (the runtime reads it generically). */
export type { ObjectMeta, OwnerReference } from '../runtime/types.ts';

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

// A small generic client over kube-http: any resource given by a ResourceRef. Reconcilers read the informer
// cache and write through this. Patches name their type explicitly (client-node 2.x traps: its generic
// `patch` defaults to strategic merge, which custom resources reject with 415, and its generated
// `patch*CustomObject*` methods default to json-patch; see the ecosystem reference §2.5).
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest, type Query } from './kube-http.ts';
import { apiVersionOf, type KubeObject, type ResourceRef } from './types.ts';

export type PatchType = 'merge' | 'json' | 'apply';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml', // JSON is valid YAML, so a JSON body is fine
};

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take over conflicting fields. */
  force?: boolean;
  /** Patch a subresource instead of the object, e.g. 'status'. */
  subresource?: string;
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The API path of a resource collection, object or subresource. */
export function resourcePath(
  ref: ResourceRef,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const base = ref.group === '' ? `/api/${ref.version}` : `/apis/${ref.group}/${ref.version}`;
  if (!ref.namespaced && namespace) {
    throw new Error(
      `${ref.plural}.${apiVersionOf(ref)} is cluster-scoped: namespace must be empty, got "${namespace}"`,
    );
  }
  if (ref.namespaced && name !== undefined && !namespace) {
    throw new Error(
      `${ref.plural}.${apiVersionOf(ref)} is namespaced: a namespace is required for "${name}"`,
    );
  }
  let path = namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${ref.plural}`
    : `${base}/${ref.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}

export interface KubeClient {
  readonly kubeConfig: KubeConfig;
  get<T extends KubeObject>(
    ref: ResourceRef,
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<T>;
  create<T extends KubeObject>(ref: ResourceRef, obj: T, options?: WriteOptions): Promise<T>;
  /** PUT with the object's resourceVersion: a stale copy fails with 409 instead of overwriting. */
  replace<T extends KubeObject>(ref: ResourceRef, obj: T, options?: WriteOptions): Promise<T>;
  replaceStatus<T extends KubeObject>(ref: ResourceRef, obj: T, options?: WriteOptions): Promise<T>;
  patch<T extends KubeObject>(
    ref: ResourceRef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    options?: PatchOptions,
  ): Promise<T>;
  /** Merge-patches `{ status }` into the status subresource (no resourceVersion: last writer wins). */
  patchStatus<T extends KubeObject>(
    ref: ResourceRef,
    namespace: string,
    name: string,
    status: unknown,
    options?: WriteOptions,
  ): Promise<T>;
  delete(
    ref: ResourceRef,
    namespace: string,
    name: string,
    options?: WriteOptions & { uid?: string },
  ): Promise<void>;
}

export function createClient(kubeConfig: KubeConfig): KubeClient {
  const write = (options: PatchOptions | undefined): Query => ({
    fieldManager: options?.fieldManager,
    dryRun: options?.dryRun ? 'All' : undefined,
    force: options?.force,
  });
  const signalOf = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
  /** PUT of the whole object (or of its status subresource), with its resourceVersion as it stands. */
  const put = <T extends KubeObject>(
    ref: ResourceRef,
    obj: T,
    options?: WriteOptions,
    subresource?: 'status',
  ) =>
    kubeRequest<T>(kubeConfig, {
      method: 'PUT',
      path: resourcePath(ref, obj.metadata?.namespace ?? '', obj.metadata?.name ?? '', subresource),
      body: obj,
      query: write(options),
      ...signalOf(options?.signal),
    });
  const patch = <T>(path: string, type: PatchType, body: unknown, options?: PatchOptions) => {
    if (type === 'apply' && !options?.fieldManager)
      throw new Error('server-side apply needs options.fieldManager');
    return kubeRequest<T>(kubeConfig, {
      method: 'PATCH',
      path,
      body,
      contentType: patchContentTypes[type],
      query: write(options),
      ...signalOf(options?.signal),
    });
  };
  return {
    kubeConfig,
    get: (ref, namespace, name, signal) =>
      kubeRequest(kubeConfig, {
        method: 'GET',
        path: resourcePath(ref, namespace, name),
        ...signalOf(signal),
      }),
    create: (ref, obj, options) =>
      kubeRequest(kubeConfig, {
        method: 'POST',
        path: resourcePath(ref, obj.metadata?.namespace),
        body: obj,
        query: write(options),
        ...signalOf(options?.signal),
      }),
    replace: (ref, obj, options) => put(ref, obj, options),
    replaceStatus: (ref, obj, options) => put(ref, obj, options, 'status'),
    patch: (ref, namespace, name, type, body, options) =>
      patch(resourcePath(ref, namespace, name, options?.subresource), type, body, options),
    patchStatus: (ref, namespace, name, status, options) =>
      patch(resourcePath(ref, namespace, name, 'status'), 'merge', { status }, options),
    delete: async (ref, namespace, name, options) => {
      const preconditions = options?.uid ? { preconditions: { uid: options.uid } } : undefined;
      await kubeRequest(kubeConfig, {
        method: 'DELETE',
        path: resourcePath(ref, namespace, name),
        query: write(options),
        ...(preconditions ? { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...preconditions } } : {}),
        ...signalOf(options?.signal),
      });
    },
  };
}

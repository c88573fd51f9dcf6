// Status writes: a JSON merge patch of the status subresource. With `precondition`, the patch carries the
// cached resourceVersion, so a write based on a stale read fails with 409 instead of landing.
import type { KubeClient, KubeObject, ResourceRef } from '../runtime/index.ts';

/** What a status write needs to know about the object. */
export interface ObjectIdentity {
  readonly metadata: {
    readonly namespace?: string;
    readonly name?: string;
    readonly resourceVersion?: string;
  };
}

export const FIELD_MANAGER = 'milo-quota-operator';

export interface StatusWriteOptions {
  /** Fail with 409 unless the stored object still has the cached resourceVersion. */
  readonly precondition?: boolean;
  readonly signal?: AbortSignal;
}

export function writeStatus<T extends KubeObject>(
  client: KubeClient,
  ref: ResourceRef,
  obj: ObjectIdentity,
  status: object,
  options: StatusWriteOptions = {},
): Promise<T> {
  const { namespace = '', name = '', resourceVersion } = obj.metadata;
  const body = options.precondition ? { metadata: { resourceVersion }, status } : { status };
  return client.patch<T>(ref, namespace, name, 'merge', body, {
    subresource: 'status',
    fieldManager: FIELD_MANAGER,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

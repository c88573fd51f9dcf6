// Status writes: a JSON merge patch of the status subresource. With `precondition`, the patch carries the
// cached resourceVersion, so a write based on a stale read fails with 409 instead of landing.
import { type Condition, type ConditionUpdate, setCondition, statusEqual } from '../api/index.ts';
import type { KubeClient, KubeObject, ResourceRef } from '../runtime/index.ts';

/** What a status write needs to know about the object: its identity and the status it has now. */
export interface ObjectIdentity {
  readonly metadata: {
    readonly namespace?: string;
    readonly name?: string;
    readonly resourceVersion?: string;
  };
  readonly status?: object;
}

/**
 * `next` as a JSON merge patch over `current`: a field `next` drops is sent as null, or the merge would keep
 * it (a bucket's `overcommitted` would outlive the over-commit, and every pass would write again).
 */
export function statusPatch(current: object | undefined, next: object): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...next };
  for (const key of Object.keys(current ?? {})) if (!(key in next)) patch[key] = null;
  return patch;
}

export const FIELD_MANAGER = 'milo-quota-operator';

export interface StatusWriteOptions {
  /** Fail with 409 unless the stored object still has the cached resourceVersion. */
  readonly precondition?: boolean;
  readonly signal?: AbortSignal;
}

export function writeStatus<T extends KubeObject>(
  client: Pick<KubeClient, 'patch'>,
  ref: ResourceRef,
  obj: ObjectIdentity,
  status: object,
  options: StatusWriteOptions = {},
): Promise<T> {
  const { namespace = '', name = '', resourceVersion } = obj.metadata;
  const patch = statusPatch(obj.status, status);
  const body = options.precondition ? { metadata: { resourceVersion }, status: patch } : { status: patch };
  return client.patch<T>(ref, namespace, name, 'merge', body, {
    subresource: 'status',
    fieldManager: FIELD_MANAGER,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

interface WithConditions extends ObjectIdentity {
  readonly metadata: ObjectIdentity['metadata'] & { readonly generation?: number };
  readonly status?: { readonly conditions?: Condition[]; readonly observedGeneration?: number };
}

/**
 * Sets one condition and `observedGeneration` (which always advances, SPEC §3) and writes the status only
 * if that changed anything. The single writer of the kind's status calls this; no precondition needed.
 * Returns whether it wrote.
 */
export async function writeCondition(
  client: Pick<KubeClient, 'patch'>,
  ref: ResourceRef,
  obj: WithConditions,
  condition: ConditionUpdate,
  signal: AbortSignal,
): Promise<boolean> {
  const status = {
    ...obj.status,
    observedGeneration: obj.metadata.generation ?? 0,
    conditions: setCondition(obj.status?.conditions, condition, new Date()),
  };
  if (statusEqual(obj.status, status)) return false;
  await writeStatus(client, ref, obj, status, { signal });
  return true;
}

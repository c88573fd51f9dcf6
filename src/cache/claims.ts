// Claim reads and writes shared by the lifecycle controller and the admission webhooks.
import { ANNOTATION_OWNER_UID, LABEL_RESOURCE_UID, type ResourceClaim } from '../api/index.ts';
import {
  isNotFound,
  type KubeClient,
  type KubeObject,
  type ResourceRef,
  readLive,
} from '../runtime/index.ts';
import type { ResourceDiscovery } from './discovery.ts';
import { RESOURCES } from './resources.ts';

/** Deletes exactly this claim (uid precondition: a newer claim of the same name is left alone); gone is fine. */
export async function deleteClaim(client: KubeClient, claim: ResourceClaim): Promise<void> {
  try {
    await client.delete(RESOURCES.claims, claim.metadata.namespace ?? '', claim.metadata.name ?? '', {
      ...(claim.metadata.uid ? { uid: claim.metadata.uid } : {}),
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The object a claim pays for, as the apiserver has it now (a live read, never a cache or a review body). */
export interface ClaimObject {
  /** The resource serving the claim's resourceRef kind; undefined when that kind is not served. */
  readonly resource: ResourceRef | undefined;
  /** The object, when it exists and is the one the claim records (same uid, if the claim records one). */
  readonly object: KubeObject | undefined;
}

/**
 * The uid of the object a claim pays for: the label the enforcement webhook stamps, else the annotation the
 * claims client stamps, else the uid of an ownerReference naming the object. Undefined: any object of that
 * name counts.
 */
export function recordedUid(claim: ResourceClaim): string | undefined {
  const meta = claim.metadata;
  const recorded = meta.labels?.[LABEL_RESOURCE_UID] || meta.annotations?.[ANNOTATION_OWNER_UID];
  if (recorded) return recorded;
  const ref = claim.spec.resourceRef;
  return meta.ownerReferences?.find((o) => o.kind === ref?.kind && o.name === ref?.name)?.uid;
}

/** Reads the object named by the claim's resourceRef (resolved through discovery). */
export async function findClaimObject(
  client: KubeClient,
  discovery: Pick<ResourceDiscovery, 'resolveGroupKind'>,
  claim: ResourceClaim,
  signal?: AbortSignal,
): Promise<ClaimObject> {
  const ref = claim.spec.resourceRef;
  if (ref === undefined) return { resource: undefined, object: undefined };
  const resource = await discovery.resolveGroupKind(ref.apiGroup ?? '', ref.kind);
  if (resource === undefined) return { resource, object: undefined };
  const namespace = resource.namespaced ? (ref.namespace ?? claim.metadata.namespace ?? '') : '';
  const object = await readLive(client, resource, namespace, ref.name, signal);
  const uid = recordedUid(claim);
  const same = object !== undefined && (uid === undefined || object.metadata?.uid === uid);
  return { resource, object: same ? object : undefined };
}

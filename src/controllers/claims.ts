// Claim writes shared by the lifecycle controller and the admission webhook.
import type { ResourceClaim } from '../api/index.ts';
import { isNotFound, type KubeClient } from '../runtime/index.ts';
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

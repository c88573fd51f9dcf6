// The hop back from a decision to the waiting enforcement webhook, shortened: when this process decides a
// claim (the leader's consumer controller, on the same client), the answer to its status write is the
// committed claim, so the waiter is answered from it instead of waiting for the same object to come back
// through the apiserver's watch and the shared informer. Nothing in the controller changes: the operator's
// client is wrapped (a status write of a ResourceClaim that succeeded is reported; any other request, and
// any failure, passes untouched). A write that did not answer (ambiguous) reports nothing and the watch still
// settles the waiter, as it does for decisions made by another replica.
// The hop forward is shortened the same way: a claim this process creates (the enforcement webhook's) is shown
// to the claim cache from the create's answer (Informer.assumeCreated), so the leader's consumer controller
// decides it without waiting for the watch to bring it.
import type { ResourceClaim } from '../../api/index.ts';
import { RESOURCES } from '../../cache/index.ts';
import type { KubeClient, KubeObject, ResourceRef, WriteOptions } from '../../runtime/index.ts';

/** Calls `written` with every claim whose status subresource `client` wrote successfully. */
export function tapClaimStatusWrites(client: KubeClient, written: (claim: ResourceClaim) => void): void {
  const patch = client.patch.bind(client);
  const claims = RESOURCES.claims;
  client.patch = async <T extends KubeObject>(...args: Parameters<KubeClient['patch']>): Promise<T> => {
    const result = await patch<T>(...args);
    const [ref, , , , , options] = args;
    if (options?.subresource === 'status' && ref.group === claims.group && ref.plural === claims.plural) {
      try {
        written(result as unknown as ResourceClaim);
      } catch {
        // a listener's failure is not the write's: the watch still delivers the same object
      }
    }
    return result;
  };
}

/** Calls `created` with every ResourceClaim `client` created successfully. */
export function tapClaimCreates(client: KubeClient, created: (claim: ResourceClaim) => void): void {
  const create = client.create.bind(client);
  const claims = RESOURCES.claims;
  client.create = async <T extends KubeObject>(
    ref: ResourceRef,
    obj: T,
    options?: WriteOptions,
  ): Promise<T> => {
    const result = await create<T>(ref, obj, options);
    if (options?.dryRun !== true && ref.group === claims.group && ref.plural === claims.plural) {
      try {
        created(result as unknown as ResourceClaim);
      } catch {
        // as above: the watch still delivers the claim
      }
    }
    return result;
  };
}

// The few API calls the claims client and the kubectl plugin make, typed, with errors translated, over the
// runtime's client (src/runtime: the project's one HTTP path to the apiserver). Reads return undefined for an
// absent object instead of throwing, so callers decide what "absent" means.
import type { KubeConfig } from '@kubernetes/client-node';
import type { AllowanceBucket, ObjectMeta, ResourceClaim, ResourceRegistration } from '../api/index.ts';
import { RESOURCES } from '../cache/index.ts';
import type { ClaimRef } from '../quota/index.ts';
import {
  createClient,
  isAlreadyExists,
  kubeRequest,
  type ResourceRef,
  resourcePath,
} from '../runtime/index.ts';
import { isObjectNotFound, translateError } from './kube-errors.ts';

export interface BucketQuery {
  /** Omit for all namespaces. */
  readonly namespace?: string;
  readonly fieldSelector?: string;
}

export interface QuotaApi {
  /** The apiserver URL, for messages. */
  readonly server: string;
  getClaim(ref: ClaimRef): Promise<ResourceClaim | undefined>;
  /** Undefined when a claim of that name already exists (409 AlreadyExists). */
  createClaim(claim: ResourceClaim): Promise<ResourceClaim | undefined>;
  /** JSON merge patch of metadata, guarded by resourceVersion. */
  patchClaimMetadata(ref: ClaimRef, metadata: ObjectMeta): Promise<ResourceClaim>;
  /** False when the claim was already gone. */
  deleteClaim(ref: ClaimRef): Promise<boolean>;
  listClaims(namespace: string): Promise<ResourceClaim[]>;
  listBuckets(query: BucketQuery): Promise<AllowanceBucket[]>;
  /** Every ResourceRegistration (cluster-scoped): display units and Feature types for the plugin. */
  listRegistrations(): Promise<ResourceRegistration[]>;
}

function items<T>(list: unknown): T[] {
  const found = (list as { items?: unknown } | null)?.items;
  return Array.isArray(found) ? (found as T[]) : [];
}

export function quotaApi(kc: KubeConfig): QuotaApi {
  const client = createClient(kc);
  const server = kc.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw translateError(error, what, server);
    }
  };
  /** As `call`, answering undefined for the errors `absent` accepts (after translation). */
  const absentAs = async <T>(what: string, run: () => Promise<T>, absent: (e: unknown) => boolean) => {
    try {
      return await call(what, run);
    } catch (error) {
      if (absent(error)) return undefined;
      throw error;
    }
  };
  const claimWhat = (verb: string, ref: ClaimRef) => `${verb} resourceclaims ${ref.namespace}/${ref.name}`;
  const list = async <T>(resource: ResourceRef, namespace?: string, fieldSelector?: string) => {
    const path = resourcePath(resource, namespace);
    return items<T>(await kubeRequest(kc, { method: 'GET', path, query: { fieldSelector } }));
  };
  const { claims } = RESOURCES;

  return {
    server,
    getClaim: (ref) =>
      absentAs(
        claimWhat('get', ref),
        () => client.get<ResourceClaim>(claims, ref.namespace, ref.name),
        isObjectNotFound,
      ),
    createClaim: (claim) => {
      const ref = { namespace: claim.metadata.namespace ?? '', name: claim.metadata.name ?? '' };
      return absentAs(claimWhat('create', ref), () => client.create(claims, claim), isAlreadyExists);
    },
    patchClaimMetadata: (ref, metadata) =>
      call(claimWhat('patch', ref), () =>
        client.patch<ResourceClaim>(claims, ref.namespace, ref.name, 'merge', { metadata }),
      ),
    deleteClaim: async (ref) => {
      const remove = async () => {
        await client.delete(claims, ref.namespace, ref.name);
        return true;
      };
      return (await absentAs(claimWhat('delete', ref), remove, isObjectNotFound)) ?? false;
    },
    listClaims: (namespace) =>
      call(`list resourceclaims -n ${namespace}`, () => list<ResourceClaim>(claims, namespace)),
    listBuckets: ({ namespace, fieldSelector }) => {
      const where = namespace === undefined ? 'in all namespaces' : `-n ${namespace}`;
      return call(`list allowancebuckets ${where}`, () =>
        list<AllowanceBucket>(RESOURCES.buckets, namespace, fieldSelector),
      );
    },
    listRegistrations: () =>
      call('list resourceregistrations', () => list<ResourceRegistration>(RESOURCES.registrations)),
  };
}

// The few API calls the claims client and the kubectl plugin make, typed, with errors translated. Reads
// return undefined for an absent object instead of throwing, so callers decide what "absent" means.
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  type AllowanceBucket,
  GROUP,
  type ObjectMeta,
  PLURALS,
  type ResourceClaim,
  type ResourceRegistration,
  VERSION,
} from '../api/index.ts';
import type { ClaimRef } from './errors.ts';
import { isAlreadyExists, isObjectNotFound, translateError } from './kube-errors.ts';

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

const claims = { group: GROUP, version: VERSION, plural: PLURALS.ResourceClaim };
const buckets = { group: GROUP, version: VERSION, plural: PLURALS.AllowanceBucket };

function items<T>(list: unknown): T[] {
  const found = (list as { items?: unknown } | null)?.items;
  return Array.isArray(found) ? (found as T[]) : [];
}

export function quotaApi(kc: KubeConfig): QuotaApi {
  const api = kc.makeApiClient(CustomObjectsApi);
  const server = kc.getCurrentCluster()?.server ?? '(no cluster in kubeconfig)';
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw translateError(error, what, server);
    }
  };
  const absentAs = async <T>(what: string, run: () => Promise<T>, absent: (e: unknown) => boolean) => {
    try {
      return await run();
    } catch (error) {
      if (absent(error)) return undefined;
      throw translateError(error, what, server);
    }
  };
  const claimWhat = (verb: string, ref: ClaimRef) => `${verb} resourceclaims ${ref.namespace}/${ref.name}`;

  return {
    server,
    getClaim: (ref) =>
      absentAs(
        claimWhat('get', ref),
        async () => (await api.getNamespacedCustomObject({ ...claims, ...ref })) as ResourceClaim,
        isObjectNotFound,
      ),
    createClaim: (claim) => {
      const namespace = claim.metadata.namespace ?? '';
      const what = claimWhat('create', { namespace, name: claim.metadata.name ?? '' });
      const run = async () =>
        (await api.createNamespacedCustomObject({ ...claims, namespace, body: claim })) as ResourceClaim;
      return absentAs(what, run, isAlreadyExists);
    },
    patchClaimMetadata: (ref, metadata) =>
      call(claimWhat('patch', ref), async () => {
        const body = { metadata };
        const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
        return (await api.patchNamespacedCustomObject({ ...claims, ...ref, body }, options)) as ResourceClaim;
      }),
    deleteClaim: async (ref) => {
      const run = async () => {
        await api.deleteNamespacedCustomObject({ ...claims, ...ref });
        return true;
      };
      return (await absentAs(claimWhat('delete', ref), run, isObjectNotFound)) ?? false;
    },
    listClaims: (namespace) =>
      call(`list resourceclaims -n ${namespace}`, async () =>
        items<ResourceClaim>(await api.listNamespacedCustomObject({ ...claims, namespace })),
      ),
    listBuckets: ({ namespace, fieldSelector }) => {
      const where = namespace === undefined ? 'in all namespaces' : `-n ${namespace}`;
      return call(`list allowancebuckets ${where}`, async () => {
        const selector: { fieldSelector?: string } = fieldSelector === undefined ? {} : { fieldSelector };
        const list =
          namespace === undefined
            ? await api.listCustomObjectForAllNamespaces({
                group: GROUP,
                version: VERSION,
                resourcePlural: buckets.plural,
                ...selector,
              })
            : await api.listNamespacedCustomObject({ ...buckets, namespace, ...selector });
        return items<AllowanceBucket>(list);
      });
    },
    listRegistrations: () =>
      call('list resourceregistrations', async () =>
        items<ResourceRegistration>(
          await api.listClusterCustomObject({
            group: GROUP,
            version: VERSION,
            plural: PLURALS.ResourceRegistration,
          }),
        ),
      ),
  };
}

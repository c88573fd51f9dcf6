// The ResourceClaim an Instance pays with, and the way back from a claim to its Instance. Pure.
//
// The claim lives in the Instance's namespace, so its ownerReference is one the garbage collector honours;
// its name is the client's deterministic `instance-<name>`, so ensureClaim on every pass is a create-or-get.

import {
  ANNOTATION_OWNER_UID,
  type ClaimOwner,
  claimNameFor,
  type EnsureClaimOptions,
} from '@milo-quota/client';
import { PLURALS, GROUP as QUOTA_GROUP, VERSION as QUOTA_VERSION } from '@milo-quota/client/api';
import type { Request, ResourceRef } from '@milo-quota/client/runtime';
import {
  API_VERSION,
  GROUP,
  type Instance,
  KIND,
  ORGANIZATION_GROUP,
  ORGANIZATION_KIND,
  RESOURCE_INSTANCES,
  RESOURCE_VCPUS,
} from './instance.ts';

export const CLAIMS: ResourceRef = {
  group: QUOTA_GROUP,
  version: QUOTA_VERSION,
  plural: PLURALS.ResourceClaim,
  namespaced: true,
  kind: 'ResourceClaim',
};

/** Set on every claim the service makes; its informer watches only these. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'instance-service';
export const CLAIM_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/** The claim's name for the Instance `namespace/name` (known even after the Instance is gone). */
export function claimNameOf(namespace: string, name: string): string {
  return claimNameFor({ apiVersion: API_VERSION, kind: KIND, name, namespace }, namespace);
}

function ownerOf(instance: Instance): ClaimOwner {
  const { name, namespace, uid } = instance.metadata;
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: name ?? '',
    uid: uid ?? '',
    ...(namespace === undefined ? {} : { namespace }),
  };
}

/** ensureClaim's options: 1 instance and `spec.vcpus` vCPUs, paid by Organization `spec.organization`. */
export function claimOptionsFor(instance: Instance): EnsureClaimOptions {
  return {
    owner: ownerOf(instance),
    namespace: instance.metadata.namespace ?? '',
    consumerRef: { apiGroup: ORGANIZATION_GROUP, kind: ORGANIZATION_KIND, name: instance.spec.organization },
    requests: [
      { resourceType: RESOURCE_INSTANCES, amount: 1 },
      { resourceType: RESOURCE_VCPUS, amount: instance.spec.vcpus },
    ],
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
  };
}

/** The fields of a claim this file reads; the informer hands out plain objects. */
export interface ClaimLike {
  metadata?: { namespace?: string; annotations?: Record<string, string> };
  spec?: unknown;
}

interface ResourceRefLike {
  apiGroup?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** The Instance a claim pays for (from spec.resourceRef), or none for any other claim. */
export function instanceOfClaim(claim: ClaimLike): Request[] {
  const ref = (claim.spec as { resourceRef?: ResourceRefLike } | undefined)?.resourceRef;
  if (ref?.apiGroup !== GROUP || ref.kind !== KIND || !ref.name) return [];
  return [{ namespace: ref.namespace ?? claim.metadata?.namespace ?? '', name: ref.name }];
}

/** True when the claim was made for an earlier Instance of the same name (another uid). */
export function belongsToAnother(claim: ClaimLike, instance: Instance): boolean {
  const owner = claim.metadata?.annotations?.[ANNOTATION_OWNER_UID];
  return owner !== undefined && owner !== instance.metadata.uid;
}

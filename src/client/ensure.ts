// Create-or-get of a service-managed claim. The name is deterministic, so calling ensureClaim on every
// reconcile is safe: the first call creates the claim, later calls return it. A claim that exists with another
// spec, or that belongs to an earlier owner of the same name, is reported, never silently reused.
import type { KubeConfig } from '@kubernetes/client-node';
import { type ObjectMeta, type OwnerReference, type ResourceClaim, required } from '../api/index.ts';
import type { ClaimRef } from '../quota/index.ts';
import { isConflict } from '../runtime/index.ts';
import {
  ANNOTATION_OWNER_UID,
  buildClaim,
  type ClaimOwner,
  type EnsureClaimOptions,
  specDifferences,
} from './build.ts';
import {
  ClaimConflictError,
  ClaimOwnerMismatchError,
  InvalidClaimError,
  QuotaClientError,
} from './errors.ts';
import { type QuotaApi, quotaApi } from './kube.ts';

export interface EnsuredClaim {
  readonly claim: ResourceClaim;
  /** True when this call created the claim. */
  readonly created: boolean;
}

const ATTEMPTS = 3;

function checkOwner(ref: ClaimRef, existing: ResourceClaim, owner: ClaimOwner): void {
  const meta = existing.metadata;
  if (meta.deletionTimestamp !== undefined) {
    throw new ClaimOwnerMismatchError(ref, 'metadata.deletionTimestamp', 'is being deleted');
  }
  const recorded = meta.annotations?.[ANNOTATION_OWNER_UID];
  const earlier = meta.ownerReferences?.find(
    (o) => o.kind === owner.kind && o.name === owner.name && o.uid !== owner.uid,
  );
  const uid = recorded !== undefined && recorded !== owner.uid ? recorded : earlier?.uid;
  if (uid !== undefined) {
    const field =
      earlier === undefined ? `metadata.annotations[${ANNOTATION_OWNER_UID}]` : 'metadata.ownerReferences';
    const problem = `belongs to an earlier ${owner.kind} "${owner.name}" (uid ${uid}; this one is ${owner.uid})`;
    throw new ClaimOwnerMismatchError(ref, field, problem);
  }
}

/** The metadata to merge into `existing` so it carries our labels, annotation and ownerReference. */
function missingMetadata(existing: ResourceClaim, wanted: ResourceClaim): ObjectMeta | undefined {
  const have = existing.metadata;
  const patch: ObjectMeta = {};
  const labels = Object.entries(wanted.metadata.labels ?? {}).filter(([k, v]) => have.labels?.[k] !== v);
  if (labels.length > 0) patch.labels = Object.fromEntries(labels);
  const uid = wanted.metadata.annotations?.[ANNOTATION_OWNER_UID];
  if (uid !== undefined && have.annotations?.[ANNOTATION_OWNER_UID] !== uid) {
    patch.annotations = { [ANNOTATION_OWNER_UID]: uid };
  }
  const ours: OwnerReference | undefined = wanted.metadata.ownerReferences?.[0];
  if (ours !== undefined && !have.ownerReferences?.some((o) => o.uid === ours.uid)) {
    // A merge patch replaces lists whole, so keep the owners already there.
    patch.ownerReferences = [...(have.ownerReferences ?? []), ours];
  }
  if (Object.keys(patch).length === 0) return undefined;
  return { ...patch, resourceVersion: have.resourceVersion ?? '' };
}

async function attempt(api: QuotaApi, ref: ClaimRef, wanted: ResourceClaim, owner: ClaimOwner) {
  let existing = await api.getClaim(ref);
  if (existing === undefined) {
    const created = await api.createClaim(wanted);
    if (created !== undefined) return { claim: created, created: true };
    existing = await api.getClaim(ref);
    if (existing === undefined) return undefined;
  }
  checkOwner(ref, existing, owner);
  const diff = specDifferences(existing.spec, wanted.spec)[0];
  if (diff !== undefined) throw new ClaimConflictError(ref, diff.field, diff.existing, diff.wanted);
  const patch = missingMetadata(existing, wanted);
  const claim = patch === undefined ? existing : await api.patchClaimMetadata(ref, patch);
  return { claim, created: false };
}

/**
 * Creates the claim for `options.owner`, or returns the existing one when its spec is the same. Throws
 * InvalidClaimError for bad options, ClaimConflictError for a different spec, ClaimOwnerMismatchError for a
 * claim of an earlier owner (or one being deleted), and the client's API errors otherwise.
 */
export async function ensureClaim(kc: KubeConfig, options: EnsureClaimOptions): Promise<EnsuredClaim> {
  const wanted = buildClaim(options);
  const ref = { namespace: options.namespace, name: wanted.metadata.name ?? '' };
  const api = quotaApi(kc);
  for (let i = 1; i <= ATTEMPTS; i++) {
    try {
      // Undefined: the claim vanished between a conflicting create and the read; start over.
      const result = await attempt(api, ref, wanted, options.owner);
      if (result !== undefined) return result;
    } catch (error) {
      // 409 on the metadata patch: someone else wrote the claim in between; re-read and re-check.
      if (!isConflict(error) || i === ATTEMPTS) throw error;
    }
  }
  throw new QuotaClientError(
    `ResourceClaim ${ref.namespace}/${ref.name} kept changing while it was being ensured`,
    'retry ensureClaim',
  );
}

/** Deletes the claim, freeing its capacity at once. True if it was deleted, false if it was already gone. */
export async function releaseClaim(kc: KubeConfig, ref: ClaimRef): Promise<boolean> {
  const missing = (['namespace', 'name'] as const).filter((key) => !ref?.[key]);
  if (missing.length > 0) {
    throw new InvalidClaimError(
      missing.map((key) => required(key, `${key} is required: name the claim to release`)),
    );
  }
  return quotaApi(kc).deleteClaim(ref);
}

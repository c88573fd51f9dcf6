// Claims and the objects they pay for (SPEC §6, Milo §3.5–3.6):
// - a claim with a resourceRef gets a non-controller ownerReference to the object once it exists (not before,
//   or the garbage collector, finding no owner, would delete the claim), so deleting the object releases it;
// - an auto-created claim whose object (by uid) never appears within the grace period is an orphan (the
//   create failed after admission) and is deleted; manual claims are never orphan-deleted;
// - an auto-created claim that was denied is deleted (the enforcement webhook does this at once; this is
//   the safety net when the webhook could not).
// Owners GC cannot honour (another namespace) get no ownerReference: that would delete the claim at once. Their
// kind is watched instead, so when such an owner goes, its auto-created claim is deleted as an orphan.
import {
  LABEL_AUTO_CREATED,
  LABEL_MEMBER_CLUSTER,
  type OwnerReference,
  type ResourceClaim,
} from '../../api/index.ts';
import type { ResourceDiscovery } from '../../cache/index.ts';
import {
  BY_RESOURCE_REF,
  deleteClaim,
  findClaimObject,
  type QuotaCache,
  RESOURCES,
  resourceRefKey,
} from '../../cache/index.ts';
import { claimOutcome } from '../../quota/index.ts';
import {
  type ControllerHost,
  type DynamicWatches,
  eventObjects,
  IDENTITY_VIEW,
  type Informer,
  type KubeClient,
  type KubeObject,
  type Reconciler,
  type ResourceRef,
  requestFor,
  resourceId,
} from '../../runtime/index.ts';

export interface ClaimLifecycleOptions {
  /** How long an auto-created claim may wait for its object to appear. Default 30 s (Milo's). */
  readonly orphanGracePeriodMs?: number;
  /** The clock a claim's age is read against. Default Date.now. */
  readonly now?: () => number;
}

/** How the controller finds a claim's object (discovery), and watches its kind (the shared dynamic watches). */
export interface ClaimLifecycleDeps {
  readonly discovery: Pick<ResourceDiscovery, 'resolveGroupKind'>;
  readonly watches: Pick<DynamicWatches, 'watch'>;
}

type Step = { readonly requeueAfterMs?: number };

export function setupClaimLifecycleController(
  mgr: ControllerHost,
  caches: QuotaCache,
  deps: ClaimLifecycleDeps,
  options: ClaimLifecycleOptions = {},
): void {
  const grace = options.orphanGracePeriodMs ?? 30_000;
  const now = options.now ?? Date.now;
  const sourced = new Set<Informer>();
  const warned = new Set<string>();
  // A claim whose object does not exist yet is looked at again when an object of that kind appears: one
  // shared watch per owner kind, mapped back to the claims naming the object; metadata only, identity kept
  // (the object itself is read live when adopted). Only with permission to watch the kind (the dynamic
  // watches ask first): without it, claims naming the kind are looked at on their own events only.
  const watchOwners = async (resource: ResourceRef): Promise<void> => {
    const outcome = await deps.watches.watch(resource, IDENTITY_VIEW);
    if (outcome.state === 'forbidden') {
      const kind = resourceId(resource);
      if (!warned.has(kind))
        mgr.logger.warn('claims naming this kind are linked to their objects only on claim events', {
          kind,
          missing: outcome.missing,
        });
      warned.add(kind);
      return;
    }
    if (sourced.has(outcome.informer)) return;
    sourced.add(outcome.informer);
    controller.watch({
      informer: outcome.informer,
      map: (event) =>
        eventObjects(event).flatMap((owner) => claimsNaming(caches, resource, owner).map(requestFor)),
    });
  };
  const reconcile: Reconciler = async (ctx, req) => {
    const claim = caches.claims.get(req.namespace, req.name);
    if (claim === undefined || claim.metadata.deletionTimestamp !== undefined) return {};
    const auto = claim.metadata.labels?.[LABEL_AUTO_CREATED] === 'true';
    if (auto && claimOutcome(claim.spec.requests, claim.status?.allocations ?? []) === 'denied') {
      await deleteClaim(mgr.client, claim);
      return {};
    }
    const ref = claim.spec.resourceRef;
    if (ref === undefined || (claim.metadata.ownerReferences ?? []).length > 0) return {};
    const { resource, object: owner } = await findClaimObject(mgr.client, deps.discovery, claim, ctx.signal);
    const found = owner !== undefined;
    // Without an ownerReference (no object yet, or one in another namespace, which GC cannot honour) only the
    // object's own events say when it appears or goes: a claim must not outlive its object on any replica.
    const linkable =
      found && (resource?.namespaced !== true || owner.metadata?.namespace === claim.metadata.namespace);
    if (!linkable && resource !== undefined) await watchOwners(resource);
    const step: Step = found
      ? await adopt(mgr.client, claim, owner, resource?.namespaced === true)
      : await orphaned(mgr.client, claim, auto, grace, now());
    return step;
  };
  const controller = mgr.newController({ name: 'claim-lifecycle', reconciler: reconcile });
  controller.watch({
    informer: caches.claims.informer,
    predicates: [
      (event) => {
        const claim = event.object as ResourceClaim;
        // a member cluster's object is not here: the member-claims controller watches the member
        if (claim.metadata?.labels?.[LABEL_MEMBER_CLUSTER] !== undefined) return false;
        return (
          claim.spec?.resourceRef !== undefined || claim.metadata?.labels?.[LABEL_AUTO_CREATED] === 'true'
        );
      },
    ],
  });
}

/** The claims whose resourceRef names `owner` (explicitly by namespace, or implicitly by the claim's own). */
function claimsNaming(caches: QuotaCache, resource: ResourceRef, owner: KubeObject): ResourceClaim[] {
  const namespace = owner.metadata?.namespace ?? '';
  const name = owner.metadata?.name ?? '';
  const explicit = caches.claims.byIndex(
    BY_RESOURCE_REF,
    resourceRefKey(resource.group, resource.kind ?? '', namespace, name),
  );
  if (namespace === '') return explicit;
  const implicit = caches.claims
    .byIndex(BY_RESOURCE_REF, resourceRefKey(resource.group, resource.kind ?? '', '', name))
    .filter((claim) => claim.metadata.namespace === namespace);
  return [...explicit, ...implicit];
}

async function adopt(
  client: KubeClient,
  claim: ResourceClaim,
  owner: KubeObject,
  namespaced: boolean,
): Promise<Step> {
  // GC looks for a namespaced owner in the dependent's namespace only.
  if (namespaced && owner.metadata?.namespace !== claim.metadata.namespace) return {};
  // An owner on its way out: `--cascade=orphan` has just stripped this very reference, and linking again would
  // have the garbage collector delete the claim after all. Its deletion event looks again.
  if (owner.metadata?.deletionTimestamp !== undefined) return {};
  const ownerRef: OwnerReference = {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: false,
    blockOwnerDeletion: false,
  };
  await client.patch(
    RESOURCES.claims,
    claim.metadata.namespace ?? '',
    claim.metadata.name ?? '',
    'merge',
    { metadata: { resourceVersion: claim.metadata.resourceVersion, ownerReferences: [ownerRef] } },
    {},
  );
  return {};
}

async function orphaned(
  client: KubeClient,
  claim: ResourceClaim,
  auto: boolean,
  graceMs: number,
  now: number,
): Promise<Step> {
  // Manual claims are the service's to link and release (the client sets the ownerReference itself); no
  // polling for their owners, which would cost a GET per claim per period at scale. A claim event looks again.
  if (!auto) return {};
  const age = now - Date.parse(claim.metadata.creationTimestamp ?? '');
  if (Number.isFinite(age) && age < graceMs)
    return { requeueAfterMs: Math.max(500, Math.min(2_000, graceMs - age)) };
  await deleteClaim(client, claim);
  return {};
}

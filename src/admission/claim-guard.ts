// Who may charge a consumer, and who may free capacity still in use (SPEC §12), for ResourceClaims:
// - CREATE charges spec.consumerRef: the requester needs the verb `claim` on that consumer object (the
//   operator's own claims, made for the enforcement webhook, are exempt: the policy decided the consumer);
// - DELETE of a Granted claim whose object still exists frees capacity that object uses: only the operator,
//   Kubernetes' garbage collector and namespace controller, or holders of `release` on the claim may;
// - UPDATE may not touch what ties a claim to its object (ownerReferences, the quota labels the operator reads,
//   the client's owner-uid annotation): a forged owner or uid would let GC or the orphan cleanup delete it.
// Denied and Pending claims hold nothing, so deleting them is always allowed.
import {
  CLAIM_LINK_ANNOTATIONS,
  CLAIM_LINK_LABELS,
  type ConsumerRef,
  GROUP,
  jsonEqual,
  type OwnerReference,
  type ResourceClaim,
} from '../api/index.ts';
import { type ClaimObject, recordedUid } from '../cache/index.ts';
import { claimOutcome } from '../quota/index.ts';
import type { ResourceRef } from '../runtime/index.ts';
import type { AdmissionRequest, AdmissionUserInfo } from '../webhook/review.ts';
import { type AccessAttributes, qualifiedResource, type RequesterChecks } from './requester-access.ts';

/** The ClusterRole (config/rbac/user_roles.yaml) that grants `release` on claims. */
export const RELEASER_ROLE = 'milo-quota-claim-releaser';

export interface ClaimGuardDeps {
  readonly access: RequesterChecks;
  /** Kind → resource for a consumer (RBAC names resources, references name kinds). */
  resolveKind(group: string, kind: string): Promise<ResourceRef | undefined>;
  /** The object a claim pays for, read live. */
  findObject(claim: ResourceClaim, signal: AbortSignal): Promise<ClaimObject>;
}

const who = (user: AdmissionUserInfo) => `user "${user.username ?? ''}"`;

const describeConsumer = (ref: ConsumerRef) =>
  `${ref.kind} "${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}"`;

/** Why `user` may not charge `consumer`, or undefined when it may (SubjectAccessReview, verb `claim`). */
export async function chargeRefusal(
  deps: Pick<ClaimGuardDeps, 'access' | 'resolveKind'>,
  user: AdmissionUserInfo,
  consumer: ConsumerRef,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (await deps.access.isOperator(user)) return undefined;
  const group = consumer.apiGroup ?? '';
  const resource = await deps.resolveKind(group, consumer.kind);
  if (resource === undefined) {
    return `${who(user)} may not charge ${describeConsumer(consumer)}: kind ${consumer.kind} in group "${group}" is not served by this cluster, so the "claim" permission on it cannot be checked`;
  }
  const attributes: AccessAttributes = {
    verb: 'claim',
    group,
    resource: resource.plural,
    name: consumer.name,
    ...(resource.namespaced && consumer.namespace ? { namespace: consumer.namespace } : {}),
  };
  if (await deps.access.allowed(user, attributes, signal)) return undefined;
  return (
    `${who(user)} may not charge quota to ${describeConsumer(consumer)}: that needs the verb "claim" on ` +
    `${qualifiedResource(attributes)} "${consumer.name}" (a Role or ClusterRole with verbs: [claim], ` +
    `resources: [${resource.plural}], apiGroups: ["${group}"], resourceNames: ["${consumer.name}"]; see docs/security.md)`
  );
}

/** Why this DELETE may not free the claim's capacity, or undefined when it may. */
export async function releaseRefusal(
  deps: ClaimGuardDeps,
  request: AdmissionRequest,
  claim: ResourceClaim,
  signal: AbortSignal,
): Promise<string | undefined> {
  if (claimOutcome(claim.spec.requests, claim.status?.allocations ?? []) !== 'granted') return undefined;
  if (await deps.access.isTrustedController(request.userInfo)) return undefined;
  const { object } = await deps.findObject(claim, signal);
  if (object === undefined) return undefined;
  if (await mayRelease(deps, request.userInfo, claim, signal)) return undefined;
  const ref = claim.spec.resourceRef;
  return (
    `ResourceClaim ${claimKey(claim)} holds quota for ${ref?.kind ?? 'an object'} "${ref?.name ?? ''}" ` +
    `(uid ${object.metadata?.uid ?? ''}), which still exists: deleting the claim would free capacity that is ` +
    `still in use. Delete the ${ref?.kind ?? 'object'} instead (its claim goes with it), or ask a quota admin ` +
    `(verb "release" on resourceclaims.${GROUP}, ClusterRole ${RELEASER_ROLE})`
  );
}

/** Why this UPDATE may not change the claim's ties to its object, or undefined when it may. */
export async function relinkRefusal(
  deps: ClaimGuardDeps,
  request: AdmissionRequest,
  old: ResourceClaim,
  next: ResourceClaim,
  signal: AbortSignal,
): Promise<string | undefined> {
  const changed = protectedChanges(old, next);
  if (changed.length === 0) return undefined;
  if (await deps.access.isTrustedController(request.userInfo)) return undefined;
  if (await mayRelease(deps, request.userInfo, old, signal)) return undefined;
  return (
    `ResourceClaim ${claimKey(old)}: ${changed.join(', ')} tie the claim to the object it pays for and are ` +
    `kept by the quota operator; changing them could free capacity still in use. Leave them as they are, or ` +
    `ask a quota admin (verb "release" on resourceclaims.${GROUP}, ClusterRole ${RELEASER_ROLE})`
  );
}

/**
 * The protected metadata an update changes. Adding an ownerReference to the very object the claim records
 * (the claims client does this once its owner exists) is allowed; any other ownerReference change is not.
 */
export function protectedChanges(old: ResourceClaim, next: ResourceClaim): string[] {
  const changes: string[] = [];
  for (const key of CLAIM_LINK_LABELS) {
    if (old.metadata.labels?.[key] !== next.metadata.labels?.[key]) changes.push(`metadata.labels[${key}]`);
  }
  for (const key of CLAIM_LINK_ANNOTATIONS) {
    if (old.metadata.annotations?.[key] !== next.metadata.annotations?.[key])
      changes.push(`metadata.annotations[${key}]`);
  }
  if (!ownerReferencesKept(old, next)) changes.push('metadata.ownerReferences');
  return changes;
}

function ownerReferencesKept(old: ResourceClaim, next: ResourceClaim): boolean {
  const before = old.metadata.ownerReferences ?? [];
  const after = next.metadata.ownerReferences ?? [];
  const kept = before.every((o) => after.some((n) => jsonEqual(o, n)));
  const uid = recordedUid(old);
  const added = after.filter((n) => !before.some((o) => jsonEqual(o, n)));
  return kept && added.every((n: OwnerReference) => uid !== undefined && n.uid === uid);
}

function mayRelease(
  deps: ClaimGuardDeps,
  user: AdmissionUserInfo,
  claim: ResourceClaim,
  signal: AbortSignal,
): Promise<boolean> {
  return deps.access.allowed(
    user,
    {
      verb: 'release',
      group: GROUP,
      resource: 'resourceclaims',
      name: claim.metadata.name ?? '',
      namespace: claim.metadata.namespace ?? '',
    },
    signal,
  );
}

const claimKey = (claim: ResourceClaim) => `${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`;

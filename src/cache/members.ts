// What the operator knows of its member clusters (docs/multicluster.md): the registry
// (controllers/members/registry.ts) keeps it current from the member Secrets; the member webhook paths and the
// member-claims controller read it.
import {
  ANNOTATION_MEMBER_RESOURCE,
  LABEL_MEMBER_CLUSTER,
  type MemberCluster,
  type ResourceClaim,
} from '../api/index.ts';
import { type KubeClient, type ResourceRef, readLive } from '../runtime/index.ts';
import type { ClaimObject } from './claims.ts';

/** A registered, valid member: its connection, whether it answered the last probe. */
export interface Member {
  readonly cluster: MemberCluster;
  readonly client: KubeClient;
  readonly reachable: boolean;
}

/** The members by name, as the registry last saw them. */
export interface MemberRegistry {
  get(name: string): Member | undefined;
  list(): readonly Member[];
  /** Called after a member is added, changed or removed (by name). */
  onChange(listener: (name: string) => void): () => void;
  /** Whether every member Secret listed so far has been read once: before that, "no such member" may be wrong. */
  hasSynced(): boolean;
}

/** The member resource a member claim's object is of: its resourceRef's group, the annotation's version/plural. */
export function memberResource(claim: ResourceClaim): ResourceRef | undefined {
  const value = claim.metadata.annotations?.[ANNOTATION_MEMBER_RESOURCE] ?? '';
  const match = /^([a-z0-9.-]+)\/([a-z0-9.-]+)$/.exec(value);
  const ref = claim.spec.resourceRef;
  if (match === null || ref === undefined) return undefined;
  return {
    group: ref.apiGroup ?? '',
    version: match[1] ?? '',
    plural: match[2] ?? '',
    namespaced: (ref.namespace ?? '') !== '',
    kind: ref.kind,
  };
}

/**
 * The object a claim pays for, wherever it lives: in its member cluster for a member claim (read through the
 * member's connection), else in this cluster (`local`). A member that is unknown or does not answer cannot say
 * the object is gone, so it is reported present: nothing that reads this frees quota because of a partition.
 */
export async function findClaimObjectAnywhere(
  members: MemberRegistry | undefined,
  claim: ResourceClaim,
  local: (claim: ResourceClaim, signal?: AbortSignal) => Promise<ClaimObject>,
  signal?: AbortSignal,
): Promise<ClaimObject> {
  const name = claim.metadata.labels?.[LABEL_MEMBER_CLUSTER];
  if (name === undefined) return local(claim, signal);
  const member = members?.get(name);
  const unseen = {
    resource: memberResource(claim),
    object: {
      metadata: {
        name: claim.spec.resourceRef?.name ?? '',
        uid: `unknown: member cluster ${name} cannot be read`,
      },
    },
  };
  if (member === undefined || !member.reachable) return unseen;
  try {
    return await readMemberObject(member, claim, signal);
  } catch {
    return unseen;
  }
}

/** A member claim's object, read live in the member (undefined object: it does not exist); other errors throw. */
export async function readMemberObject(
  member: Member,
  claim: ResourceClaim,
  signal?: AbortSignal,
): Promise<ClaimObject> {
  const resource = memberResource(claim);
  const ref = claim.spec.resourceRef;
  if (resource === undefined || ref === undefined) return { resource: undefined, object: undefined };
  return { resource, object: await readLive(member.client, resource, ref.namespace ?? '', ref.name, signal) };
}

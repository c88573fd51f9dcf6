// What the informers of the six quota kinds keep of each object: the fields some reader of the cache uses
// (controllers, webhooks, the claim waiter), nothing a tenant can inflate. Labels and annotations are kept by
// exact key, never by prefix, so a `quota.miloapis.com/junk` annotation costs nothing either. spec and status
// are kept whole: the CRD schemas bound them, and only the operator writes status. What many objects repeat
// (resource types, consumer references, requests, conditions, allocations, bucket names, timestamps) is one
// shared, frozen copy (runtime/intern.ts): the same keys and values, a third of the heap per claim.
import {
  ANNOTATION_TRACEPARENT,
  CLAIM_LINK_ANNOTATIONS,
  CLAIM_LINK_LABELS,
  LABEL_POLICY,
  LABEL_TRIGGER_UID,
  type QuotaKind,
} from '../api/index.ts';
import {
  cacheInterner,
  compactFields,
  type InformerView,
  identityMetadata,
  type KubeObject,
  type ObjectMeta,
  type OwnerReference,
  pickEntries,
  withMap,
} from '../runtime/index.ts';

/** Claim labels read from the cache: auto-created (lifecycle), resource-uid (recordedUid); the others cost 63 bytes at most. */
export const CLAIM_LABELS: ReadonlySet<string> = new Set(CLAIM_LINK_LABELS);
/** Claim annotations read from the cache: the client's owner uid (recordedUid), and the traceparent the
 * decision span is a child of (55 characters; a longer value is not one and is ignored). */
export const CLAIM_ANNOTATIONS: ReadonlySet<string> = new Set([
  ...CLAIM_LINK_ANNOTATIONS,
  ANNOTATION_TRACEPARENT,
]);
/** A uid is 36 characters; a longer owner-uid matches no object however much of it is kept. */
export const MAX_KEPT_ANNOTATION = 256;
/** Labels of grants not made by a policy that the engine reads (plan.ts, policy/indexes.ts). */
export const GRANT_LABELS: ReadonlySet<string> = new Set([LABEL_POLICY, LABEL_TRIGGER_UID]);

const spread = (obj: KubeObject) => ({
  ...(obj.apiVersion !== undefined && { apiVersion: cacheInterner.string(obj.apiVersion) }),
  ...(obj.kind !== undefined && { kind: cacheInterner.string(obj.kind) }),
});
/** Spec fields unique to their object (a claim's resourceRef names one object): not worth a table entry. */
const OWN_SPEC_FIELDS: ReadonlySet<string> = new Set(['resourceRef']);
const body = (obj: KubeObject) => ({
  ...(obj.spec !== undefined && { spec: compactFields(obj.spec, OWN_SPEC_FIELDS) }),
  ...(obj.status !== undefined && { status: compactFields(obj.status) }),
});
const truncated = (map: Record<string, string> | undefined) =>
  map &&
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.slice(0, MAX_KEPT_ANNOTATION)] as const));

/**
 * Claims: identity, the labels and annotation above, and the owner references that matter: those naming the
 * claim's resourceRef (recordedUid), else the first one (readers only ask whether there is any).
 */
export function slimClaim(obj: KubeObject): KubeObject {
  const meta = obj.metadata ?? {};
  const ref = (obj.spec as { resourceRef?: { kind?: string; name?: string } } | undefined)?.resourceRef;
  const owners = meta.ownerReferences ?? [];
  const naming = owners.filter((o) => o.kind === ref?.kind && o.name === ref?.name);
  const kept: OwnerReference[] = naming.length > 0 ? naming : owners.slice(0, 1);
  return {
    ...spread(obj),
    metadata: {
      ...identityMetadata(meta),
      ...withMap(
        'labels',
        pickEntries(meta.labels, (k) => CLAIM_LABELS.has(k)),
      ),
      ...withMap('annotations', truncated(pickEntries(meta.annotations, (k) => CLAIM_ANNOTATIONS.has(k)))),
      ...(kept.length > 0 && { ownerReferences: kept }),
    },
    ...body(obj),
  };
}

/**
 * Grants: the engine updates policy-made grants with a PUT of the cached metadata, so everything but
 * managedFields is kept (finalizers and owner references must survive the PUT). Their labels and annotations
 * are the rendered template's (the PUT replaces them), and whoever may write grants is trusted with quota
 * anyway; of other grants only the engine's own labels are kept, so an adopted grant still differs from the
 * rendered one and is written.
 */
export function slimGrant(obj: KubeObject): KubeObject {
  const { managedFields: _, labels, annotations, ...all } = obj.metadata ?? {};
  const rest = { ...all, ...identityMetadata(all) };
  const policyMade = labels?.[LABEL_POLICY] !== undefined;
  const metadata: ObjectMeta = policyMade
    ? { ...rest, ...withMap('labels', labels), ...withMap('annotations', annotations) }
    : {
        ...rest,
        ...withMap(
          'labels',
          pickEntries(labels, (k) => GRANT_LABELS.has(k)),
        ),
      };
  return { ...spread(obj), metadata, ...body(obj) };
}

/** Buckets: identity and labels (only the operator may write a bucket's labels: the bucket webhook). */
export function slimBucket(obj: KubeObject): KubeObject {
  const meta = obj.metadata ?? {};
  return {
    ...spread(obj),
    metadata: { ...identityMetadata(meta), ...withMap('labels', cacheInterner.value(meta.labels)) },
    ...body(obj),
  };
}

/** Registrations and policies: identity, spec and status; nobody reads their labels or annotations. */
export function slimToSpecAndStatus(obj: KubeObject): KubeObject {
  return { ...spread(obj), metadata: identityMetadata(obj.metadata), ...body(obj) };
}

const TRANSFORMS: Record<QuotaKind, (obj: KubeObject) => KubeObject> = {
  ResourceClaim: slimClaim,
  ResourceGrant: slimGrant,
  AllowanceBucket: slimBucket,
  ResourceRegistration: slimToSpecAndStatus,
  GrantCreationPolicy: slimToSpecAndStatus,
  ClaimCreationPolicy: slimToSpecAndStatus,
};

/** The view every informer of a quota kind uses. */
export function quotaView(kind: QuotaKind): InformerView {
  return { name: 'quota', transform: TRANSFORMS[kind] };
}

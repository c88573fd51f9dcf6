// Label and annotation keys the quota system stamps on the objects it creates. The first group keeps Milo's
// exact keys and meaning (clients and tests select on them); the second group is our additive extension.

/** Label `"true"` on claims created by a ClaimCreationPolicy at admission (Milo). */
export const LABEL_AUTO_CREATED = 'quota.miloapis.com/auto-created';
/** Label (claims and policy-made grants) and annotation (claims) naming the policy that made the object. */
export const LABEL_POLICY = 'quota.miloapis.com/policy';
export const ANNOTATION_POLICY = LABEL_POLICY;
/** Label on auto-created claims: `<group or "core">.<version>.<Kind>` of the object that triggered it. */
export const LABEL_GVK = 'quota.miloapis.com/gvk';
/** Annotation on auto-created claims; its value is CREATED_BY_CLAIM_PLUGIN. */
export const ANNOTATION_CREATED_BY = 'quota.miloapis.com/created-by';
/** Annotation on auto-created claims: RFC 3339 time the claim was made. */
export const ANNOTATION_CREATED_AT = 'quota.miloapis.com/created-at';
/** Annotation on auto-created claims: the name of the object whose creation the claim pays for. */
export const ANNOTATION_RESOURCE_NAME = 'quota.miloapis.com/resource-name';
/** Labels on AllowanceBuckets identifying their consumer (Milo's bucket lookup labels). */
export const LABEL_CONSUMER_KIND = 'quota.miloapis.com/consumer-kind';
export const LABEL_CONSUMER_NAME = 'quota.miloapis.com/consumer-name';

export const AUTO_CREATED_TRUE = 'true';
export const CREATED_BY_CLAIM_PLUGIN = 'claim-creation-plugin';

// Extensions (not in Milo).

/** Label on auto-created claims: uid of the object the claim pays for (orphan detection, retried creates). */
export const LABEL_RESOURCE_UID = 'quota.miloapis.com/resource-uid';
/** Annotation on service-managed claims (the client's): uid of the owner object the claim pays for, so a
 * claim left by an earlier object of the same name is spotted. */
export const ANNOTATION_OWNER_UID = 'quota.miloapis.com/owner-uid';
/**
 * Annotation on claims the enforcement webhook creates while tracing is on: the W3C `traceparent` of its
 * claim-create span, so the consumer controller's decision span joins the same trace. Only ever a span
 * parent: nothing decides, authorizes or counts by it (docs/observability.md).
 */
export const ANNOTATION_TRACEPARENT = 'quota.miloapis.com/traceparent';
/** Label on policy-made grants: uid of the trigger object, so grants can be found and cleaned up per trigger. */
export const LABEL_TRIGGER_UID = 'quota.miloapis.com/trigger-uid';

/**
 * Label on claims for an object in a member cluster (docs/multicluster.md): the member's name. The local
 * lifecycle controller leaves such claims to the member-claims controller, which watches the member. Also on
 * grants a GrantCreationPolicy with parentContext made for a member (--parent-context=members).
 */
export const LABEL_MEMBER_CLUSTER = 'quota.miloapis.com/member-cluster';
/** Annotation on member claims: `<version>/<plural>` of the claimed object's resource in the member (its group is
 * spec.resourceRef.apiGroup), so the member can be watched without discovery. */
export const ANNOTATION_MEMBER_RESOURCE = 'quota.miloapis.com/member-resource';

/**
 * Keys GitOps tools use to track ownership. Rendered claims and grants must never carry them, or Argo CD
 * would think the generated object belongs to the Application that synced the trigger and prune it.
 */
export const GITOPS_TRACKING_LABEL = 'app.kubernetes.io/instance';
export const GITOPS_TRACKING_PREFIX = 'argocd.argoproj.io/';

export function isGitOpsTrackingKey(key: string): boolean {
  return key === GITOPS_TRACKING_LABEL || key.startsWith(GITOPS_TRACKING_PREFIX);
}

/** Milo's `quota.miloapis.com/gvk` value: `core.v1.Secret`, `resourcemanager.miloapis.com.v1alpha1.Project`. */
export function gvkLabelValue(group: string, version: string, kind: string): string {
  return `${group === '' ? 'core' : group}.${version}.${kind}`;
}

/**
 * The claim metadata the operator reads to tie a claim to the object it pays for (orphan cleanup, retried
 * creates, the claims client). Its caches keep exactly these keys of a claim, and only the operator, the
 * garbage collector and quota admins may change them (the ResourceClaim webhook).
 */
export const CLAIM_LINK_LABELS: readonly string[] = [
  LABEL_AUTO_CREATED,
  LABEL_POLICY,
  LABEL_GVK,
  LABEL_RESOURCE_UID,
  LABEL_MEMBER_CLUSTER,
];
export const CLAIM_LINK_ANNOTATIONS: readonly string[] = [ANNOTATION_OWNER_UID, ANNOTATION_MEMBER_RESOURCE];

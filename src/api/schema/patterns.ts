// Regular expressions shared by the CRD schemas and the pure validators. They are written once here so the
// apiserver (via the CRD `pattern`) and the webhook (via RegExp) accept exactly the same strings.

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';

/** DNS-1123 subdomain body: lowercase labels joined by dots (API groups, object names). */
export const DNS_SUBDOMAIN = `${DNS_LABEL}(\\.${DNS_LABEL})*`;

/** A non-empty API group, e.g. `resourcemanager.miloapis.com` (Milo's ConsumerType.apiGroup). */
export const API_GROUP_PATTERN = `^${DNS_SUBDOMAIN}$`;

/** An API group or the empty string for the core group (Milo's ClaimingResource.apiGroup). */
export const OPTIONAL_API_GROUP_PATTERN = `^$|^${DNS_SUBDOMAIN}$`;

/** A Kind: UpperCamelCase letters and digits. */
export const KIND_PATTERN = '^[A-Z][a-zA-Z0-9]*$';

const VERSION = 'v[0-9]+((alpha|beta)[0-9]*)?';

/** `v1`, `v1beta2` or `group/v1alpha1`: the apiVersion of a policy trigger. */
export const API_VERSION_PATTERN = `^(${DNS_SUBDOMAIN}\\/)?${VERSION}$`;

/** metav1.Condition.type (controller-gen's pattern for the standard Condition type). */
export const CONDITION_TYPE_PATTERN =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$';

/** metav1.Condition.reason: CamelCase, the standard Condition pattern. */
export const CONDITION_REASON_PATTERN = '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$';

export const MAX_RESOURCE_TYPE_LENGTH = 253;
export const MAX_NAME_LENGTH = 253;
export const MAX_KIND_LENGTH = 63;
export const MAX_NAMESPACE_LENGTH = 63;

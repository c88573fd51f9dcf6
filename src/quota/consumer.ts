// One consumer identity for grants, claims and buckets (SPEC §4.1): `apiGroup/kind/namespace/name`, with an
// empty apiGroup for the core group and an empty namespace for cluster-scoped consumers. Milo keyed buckets
// and grants on kind+name but claims on all four parts, so a claim could miss its bucket; one key fixes that.
// formatConsumerKey is the only function that builds the key (src/api has none): group by it, compare by it.
import { QuotaInputError } from './errors.ts';
import { sha256Hex } from './sha256.ts';

/** A consumer reference as it appears in a grant, claim or bucket spec. */
export interface ConsumerRefInput {
  readonly apiGroup?: string | undefined;
  readonly kind: string;
  readonly namespace?: string | undefined;
  readonly name: string;
}

/** A parsed consumer key: every part present, '' meaning core group / cluster-scoped. */
export interface ConsumerIdentity {
  readonly apiGroup: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

const PARTS = ['apiGroup', 'kind', 'namespace', 'name'] as const;

function checkPart(identity: ConsumerIdentity, part: (typeof PARTS)[number], field: string): void {
  const value = identity[part];
  if ((part === 'kind' || part === 'name') && value === '') {
    throw new QuotaInputError(`${field}.${part}`, `is required; set the consumer's ${part}`);
  }
  // '/' separates the key's parts and NUL separates the key from the resourceType in bucket names; neither
  // can appear in a Kubernetes group, kind, namespace or name, so rejecting them loses nothing.
  if (value.includes('/') || value.includes('\0')) {
    throw new QuotaInputError(
      `${field}.${part}`,
      `${JSON.stringify(value)} may not contain '/' or NUL; use the object's Kubernetes ${part}`,
    );
  }
}

/** Formats a consumer reference as its key. Throws QuotaInputError (naming `field`) for an unusable ref. */
export function formatConsumerKey(ref: ConsumerRefInput, field = 'consumerRef'): string {
  const identity: ConsumerIdentity = {
    apiGroup: ref.apiGroup ?? '',
    kind: ref.kind,
    namespace: ref.namespace ?? '',
    name: ref.name,
  };
  for (const part of PARTS) checkPart(identity, part, field);
  return PARTS.map((part) => identity[part]).join('/');
}

/** The consumer key of a reference, or undefined when there is none or it cannot name a consumer. */
export function consumerKeyOf(ref: ConsumerRefInput | undefined): string | undefined {
  if (ref === undefined) return undefined;
  try {
    return formatConsumerKey(ref);
  } catch {
    return undefined;
  }
}

/** Parses a key made by formatConsumerKey. Throws QuotaInputError for anything else. */
export function parseConsumerKey(key: string, field = 'consumerKey'): ConsumerIdentity {
  const parts = key.split('/');
  if (parts.length !== 4) {
    throw new QuotaInputError(
      field,
      `${JSON.stringify(key)} is not a consumer key; expected apiGroup/kind/namespace/name (e.g. "resourcemanager.miloapis.com/Organization//acme")`,
    );
  }
  const [apiGroup = '', kind = '', namespace = '', name = ''] = parts;
  const identity: ConsumerIdentity = { apiGroup, kind, namespace, name };
  for (const part of PARTS) checkPart(identity, part, field);
  return identity;
}

/**
 * The AllowanceBucket name for a consumer and resourceType: `bucket-` + sha256 hex of the UTF-8 bytes of
 * `consumerKey + "\0" + resourceType`. The key never contains NUL (formatConsumerKey rejects it), so the
 * first NUL splits the input unambiguously whatever the opaque resourceType holds. 71 characters, a valid
 * DNS-1123 subdomain.
 */
export function bucketName(consumerKey: string, resourceType: string): string {
  const input = `${consumerKey}\0${resourceType}`;
  let name = bucketNames.get(input);
  if (name === undefined) {
    parseConsumerKey(consumerKey);
    name = `bucket-${sha256Hex(input)}`;
    if (bucketNames.size >= MAX_REMEMBERED_NAMES) bucketNames.clear();
    bucketNames.set(input, name);
  }
  return name;
}

/** Names already hashed (every pass names every bucket of its consumer; sha256 here is plain JS). */
const bucketNames = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 100_000;

/** Which bucket names the operator uses (`--bucket-placement`): ours, or Milo's where they are unambiguous. */
export type BucketNaming = 'default' | 'milo';

/** The name of the bucket of `consumerKey` for `resourceType`. */
export type BucketNameFn = (consumerKey: string, resourceType: string) => string;

/**
 * Milo's AllowanceBucket name (internal/quota/controllers/core/bucket.go, generateAllowanceBucketName at
 * 862dc4d): `bucket-` + sha256 hex of `resourceType + kind + name`, no separators, no apiGroup, no namespace.
 * Used for cluster-scoped consumers only (Milo's Organizations and Projects are): a namespaced consumer keeps
 * bucketName, because Milo's input would give `ns1/blue` and `ns2/blue` the same bucket (docs/api.md).
 */
export function miloBucketName(consumerKey: string, resourceType: string): string {
  const { kind, namespace, name } = parseConsumerKey(consumerKey);
  if (namespace !== '') return bucketName(consumerKey, resourceType);
  const input = `${resourceType}${kind}${name}`;
  let hashed = miloBucketNames.get(input);
  if (hashed === undefined) {
    hashed = `bucket-${sha256Hex(input)}`;
    if (miloBucketNames.size >= MAX_REMEMBERED_NAMES) miloBucketNames.clear();
    miloBucketNames.set(input, hashed);
  }
  return hashed;
}

const miloBucketNames = new Map<string, string>();

/** The name function of a naming scheme. */
export function bucketNamer(naming: BucketNaming): BucketNameFn {
  return naming === 'milo' ? miloBucketName : bucketName;
}

// Deterministic claim names, so ensureClaim is a create-or-get: the same owner always maps to the same name.
//
// Scheme: `<kind>-<name>`, lowercased (e.g. Instance "web-1" → `instance-web-1`). When the owner lives in
// another namespace than the claim, its namespace joins in: `<kind>-<namespace>-<name>`. A suffix
// `-<10 hex chars of sha256(apiGroup/kind/namespace/name)>` is added whenever the readable part alone could
// collide or is not a valid name: the owner is in another namespace (dashes make `a-b` + `c` and `a` + `b-c`
// read the same), the owner's name had characters a claim name cannot hold (uppercase, `:`...), or the result
// would pass 253 characters (the readable part is then cut to fit). The result is always a DNS-1123
// subdomain of at most 253 characters.
import { createHash } from 'node:crypto';
import { groupOf } from '../runtime/index.ts';

export const MAX_NAME_LENGTH = 253;
const HASH_LENGTH = 10;

export interface OwnerIdentity {
  /** `group/version`, or `v1` for the core group. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped owners. */
  readonly namespace?: string;
}

/** Lowercase, invalid characters to `-`, every dot-separated label starting and ending alphanumeric. */
function sanitize(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-')
    .split('.')
    .map((label) => label.replace(/^-+|-+$/g, ''))
    .filter((label) => label !== '')
    .join('.');
}

function hashOf(owner: OwnerIdentity): string {
  const identity = `${groupOf(owner.apiVersion)}/${owner.kind}/${owner.namespace ?? ''}/${owner.name}`;
  return createHash('sha256').update(identity).digest('hex').slice(0, HASH_LENGTH);
}

/** The claim name for `owner` when the claim lives in `claimNamespace` (see the scheme above). */
export function claimNameFor(owner: OwnerIdentity, claimNamespace: string): string {
  const crossNamespace = owner.namespace !== undefined && owner.namespace !== claimNamespace;
  const readable = [owner.kind.toLowerCase(), ...(crossNamespace ? [owner.namespace] : []), owner.name].join(
    '-',
  );
  const clean = sanitize(readable);
  if (!crossNamespace && clean === readable && clean.length <= MAX_NAME_LENGTH) return clean;
  const head = sanitize(clean.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1));
  return head === '' ? `claim-${hashOf(owner)}` : `${head}-${hashOf(owner)}`;
}

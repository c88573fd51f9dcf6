// The claim ensureClaim wants, built and checked without I/O, and how an existing claim differs from it.
import {
  ANNOTATION_OWNER_UID,
  API_VERSION,
  type ConsumerRef,
  dnsLabelProblem,
  dnsSubdomainProblem,
  type FieldError,
  invalid,
  LABEL_AUTO_CREATED,
  labelValueProblem,
  type OwnerReference,
  qualifiedNameProblem,
  RESOURCE_CLAIM,
  type ResourceClaim,
  type ResourceClaimSpec,
  type ResourceRequest,
  required,
  validateResourceClaim,
} from '../api/index.ts';
import { groupOf } from '../runtime/index.ts';
import { InvalidClaimError } from './errors.ts';
import { claimNameFor, type OwnerIdentity } from './naming.ts';

export { ANNOTATION_OWNER_UID };

export interface ClaimOwner extends OwnerIdentity {
  readonly uid: string;
}

export interface EnsureClaimOptions {
  /** The object the claim pays for; becomes spec.resourceRef and (when GC can honour it) an ownerReference. */
  readonly owner: ClaimOwner;
  /** Namespace of the claim (e.g. the owner's, or the operator's quota namespace). */
  readonly namespace: string;
  /** Who pays, e.g. `{ apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' }`. */
  readonly consumerRef: ConsumerRef;
  /** 1 to 20 requests, unique resource types, amounts ≥ 1 in base units. */
  readonly requests: readonly ResourceRequest[];
  /** Overrides the derived name (see naming.ts). */
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Option paths for API field paths, so errors name what the caller passed. */
const PATHS: ReadonlyArray<readonly [string, string]> = [
  ['spec.resourceRef', 'owner'],
  ['spec.', ''],
  ['metadata.name', 'name'],
  ['metadata.namespace', 'namespace'],
];

function toOptionPath(path: string): string {
  const hit = PATHS.find(([from]) => path.startsWith(from));
  return hit === undefined ? path : hit[1] + path.slice(hit[0].length);
}

function inputErrors(options: EnsureClaimOptions): FieldError[] {
  const errors: FieldError[] = [];
  const { owner } = options;
  for (const key of ['apiVersion', 'kind', 'name', 'uid'] as const) {
    if (typeof owner?.[key] !== 'string' || owner[key] === '') {
      errors.push(required(`owner.${key}`, `owner.${key} is required: pass the owner object's ${key}`));
    }
  }
  const check = (path: string, problem: string | undefined) => {
    if (problem !== undefined) errors.push(invalid(path, problem));
  };
  if (owner?.namespace !== undefined) check('owner.namespace', dnsLabelProblem(owner.namespace));
  check('namespace', dnsLabelProblem(options.namespace ?? ''));
  if (options.name !== undefined) check('name', dnsSubdomainProblem(options.name));
  for (const [key, value] of Object.entries(options.labels ?? {})) {
    check(`labels[${key}]`, qualifiedNameProblem(key));
    check(`labels[${key}]`, labelValueProblem(value));
    if (key === LABEL_AUTO_CREATED) {
      check(`labels[${key}]`, 'is reserved for claims made by admission; service claims must not carry it');
    }
  }
  return errors;
}

function dedupe(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (seen.has(e.path)) return false;
    seen.add(e.path);
    return true;
  });
}

/** The claim for `options`, or InvalidClaimError listing every problem. */
export function buildClaim(options: EnsureClaimOptions): ResourceClaim {
  const first = inputErrors(options);
  if (first.length > 0) throw new InvalidClaimError(first);
  const { owner, namespace } = options;
  const group = groupOf(owner.apiVersion);
  const sameScope = owner.namespace === undefined || owner.namespace === namespace;
  const ownerReference: OwnerReference = { ...pick(owner), uid: owner.uid, controller: false };
  const claim: ResourceClaim = {
    apiVersion: API_VERSION,
    kind: RESOURCE_CLAIM,
    metadata: {
      name: options.name ?? claimNameFor(owner, namespace),
      namespace,
      labels: { ...options.labels },
      annotations: { [ANNOTATION_OWNER_UID]: owner.uid },
      // GC honours an owner only in the same namespace, or a cluster-scoped one.
      ...(sameScope ? { ownerReferences: [ownerReference] } : {}),
    },
    spec: {
      consumerRef: { ...options.consumerRef },
      requests: (options.requests ?? []).map((r) => ({ resourceType: r.resourceType, amount: r.amount })),
      resourceRef: {
        ...(group === '' ? {} : { apiGroup: group }),
        kind: owner.kind,
        name: owner.name,
        ...(owner.namespace === undefined ? {} : { namespace: owner.namespace }),
      },
    },
  };
  const errors = dedupe(validateResourceClaim(claim).map((e) => ({ ...e, path: toOptionPath(e.path) })));
  if (errors.length > 0) throw new InvalidClaimError(errors);
  return claim;
}

function pick(owner: ClaimOwner): { apiVersion: string; kind: string; name: string } {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name };
}

export interface SpecDifference {
  readonly field: string;
  readonly existing: string;
  readonly wanted: string;
}

const show = (value: string | number | undefined): string =>
  value === undefined || value === '' ? '(none)' : typeof value === 'number' ? String(value) : `"${value}"`;

function refDifferences(
  path: string,
  existing: Partial<Record<string, string>> | undefined,
  wanted: Partial<Record<string, string>> | undefined,
): SpecDifference[] {
  return ['apiGroup', 'kind', 'name', 'namespace']
    .filter((key) => (existing?.[key] ?? '') !== (wanted?.[key] ?? ''))
    .map((key) => ({
      field: `${path}.${key}`,
      existing: show(existing?.[key]),
      wanted: show(wanted?.[key]),
    }));
}

/** Every field of `existing` that differs from `wanted` (requests compared by resourceType, in any order). */
export function specDifferences(existing: ResourceClaimSpec, wanted: ResourceClaimSpec): SpecDifference[] {
  const diffs = [
    ...refDifferences('spec.consumerRef', existing.consumerRef, wanted.consumerRef),
    ...refDifferences('spec.resourceRef', existing.resourceRef, wanted.resourceRef),
  ];
  const had = new Map((existing.requests ?? []).map((r) => [r.resourceType, r.amount]));
  const want = new Map(wanted.requests.map((r) => [r.resourceType, r.amount]));
  for (const [type, amount] of want) {
    const old = had.get(type);
    const field = old === undefined ? `spec.requests[${type}]` : `spec.requests[${type}].amount`;
    if (old !== amount) diffs.push({ field, existing: show(old), wanted: show(amount) });
  }
  for (const [type, amount] of had) {
    if (!want.has(type))
      diffs.push({ field: `spec.requests[${type}]`, existing: show(amount), wanted: '(none)' });
  }
  return diffs;
}

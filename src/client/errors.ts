// Errors the claims client throws. Each names the field (or object) at fault and says how to fix it, so a
// service can log `error.message` as is, and code can branch on the class. A failed API call that is none of
// these is the project's one KubeApiError (src/runtime/kube-http.ts), with the call and the fix in its message.
import type { FieldError } from '../api/index.ts';
import type { ClaimRef } from '../quota/index.ts';

/** Base class: `field` is the input or object field at fault (when there is one), `fix` what to do. */
export class QuotaClientError extends Error {
  readonly field: string | undefined;
  readonly fix: string;

  constructor(problem: string, fix: string, options: { field?: string; cause?: unknown } = {}) {
    super(`${problem}: ${fix}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = new.target.name;
    this.field = options.field;
    this.fix = fix;
  }
}

/** ensureClaim was given options that cannot make a valid claim. `errors` lists every problem. */
export class InvalidClaimError extends QuotaClientError {
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    const list = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    super(`invalid claim options (${list})`, 'correct the fields named and call ensureClaim again', {
      field: errors[0]?.path ?? '',
    });
    this.errors = errors;
  }
}

/** The claim exists with a different spec. Claims are immutable, so it cannot be reused or updated. */
export class ClaimConflictError extends QuotaClientError {
  readonly claim: ClaimRef;

  constructor(claim: ClaimRef, field: string, existing: string, wanted: string) {
    super(
      `ResourceClaim ${claim.namespace}/${claim.name} already exists with a different ${field} (existing ${existing}, wanted ${wanted})`,
      'a claim spec is immutable: release the claim (releaseClaim) and ensure it again, or pass another `name`',
      { field },
    );
    this.claim = claim;
  }
}

/** The claim belongs to an earlier object with the same name (a different uid), or is being deleted. */
export class ClaimOwnerMismatchError extends QuotaClientError {
  readonly claim: ClaimRef;

  constructor(claim: ClaimRef, field: string, problem: string) {
    super(
      `ResourceClaim ${claim.namespace}/${claim.name} ${problem}`,
      'wait for the garbage collector to remove it (or releaseClaim it) and ensure the claim again',
      { field },
    );
    this.claim = claim;
  }
}

export class ClaimNotFoundError extends QuotaClientError {
  readonly claim: ClaimRef;

  constructor(claim: ClaimRef, fix?: string) {
    super(
      `ResourceClaim "${claim.name}" not found in namespace "${claim.namespace}"`,
      fix ?? `check the name and namespace (kubectl get resourceclaims -n ${claim.namespace})`,
      { field: 'metadata.name' },
    );
    this.claim = claim;
  }
}

/** The claim was deleted while a caller waited for its decision. */
export class ClaimDeletedError extends QuotaClientError {
  readonly claim: ClaimRef;

  constructor(claim: ClaimRef) {
    super(
      `ResourceClaim ${claim.namespace}/${claim.name} was deleted before it was decided`,
      'something released it (its owner was deleted, or releaseClaim was called); ensure the claim again if it is still needed',
    );
    this.claim = claim;
  }
}

/** The apiserver does not serve quota.miloapis.com/v1alpha1: the CRDs are not installed. */
export class QuotaApiNotInstalledError extends QuotaClientError {
  constructor(server: string) {
    super(
      `the quota API (quota.miloapis.com/v1alpha1) is not installed in the cluster at ${server}`,
      'install the CRDs (kubectl apply -k config/crd, or the operator release manifests) or point at another cluster',
    );
  }
}

/** No TCP/TLS connection to the apiserver (refused, unknown host, timeout, bad certificate). */
export class ClusterUnreachableError extends QuotaClientError {
  constructor(server: string, detail: string, cause: unknown) {
    super(
      `cannot reach the cluster at ${server} (${detail})`,
      'check that the cluster is running and that your kubeconfig or --context points at it',
      { cause },
    );
  }
}

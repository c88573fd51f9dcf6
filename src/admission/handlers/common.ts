// What every quota-kind handler shares: one validator per operation, field errors turned into a 422 Invalid
// whose causes name the fields (Kubernetes' own shape, so kubectl prints them), and waiting for the shared
// caches before a check that reads them.
import { causeReason, type FieldError, formatFieldErrors, GROUP, jsonEqual } from '../../api/index.ts';
import {
  type AdmissionHandler,
  type AdmissionRequest,
  allowed,
  errored,
  invalid,
  type Verdict,
} from '../../webhook/review.ts';

/** `Kind.quota.miloapis.com "name" is invalid: path: message; ...`, as the apiserver words Invalid errors. */
export function invalidVerdict(kind: string, name: string, errors: readonly FieldError[]): Verdict {
  const message = `${kind}.${GROUP} "${name}" is invalid: ${formatFieldErrors(errors)}`;
  return invalid(
    message,
    errors.map((e) => ({ field: e.path, message: e.message, reason: causeReason(e.type) })),
    { name, group: GROUP, kind },
  );
}

export function verdictFor(kind: string, obj: unknown, errors: readonly FieldError[]): Verdict {
  if (errors.length === 0) return allowed();
  const name = (obj as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? '';
  return invalidVerdict(kind, name, errors);
}

const specOf = (obj: unknown) => (obj as { spec?: unknown } | undefined)?.spec;

/** The checks of one kind: CREATE and UPDATE (others are not routed here; they are allowed). */
export interface KindValidator<T> {
  readonly kind: string;
  create(obj: T, request: AdmissionRequest, signal: AbortSignal): FieldError[] | Promise<FieldError[]>;
  update(
    old: T,
    next: T,
    request: AdmissionRequest,
    signal: AbortSignal,
  ): FieldError[] | Promise<FieldError[]>;
}

/** The handler for a kind whose update is checked whole, as a create is (the policies). */
export function wholeObjectHandler<T>(kind: string, check: (obj: T) => FieldError[]): AdmissionHandler {
  return kindHandler<T>({ kind, create: check, update: (_old, next) => check(next) });
}

/**
 * The handler for one kind. A request for another kind means the webhook configuration routes it wrongly:
 * fail closed and say so rather than let it through unchecked.
 */
export function kindHandler<T>(validator: KindValidator<T>): AdmissionHandler {
  return async (request, signal) => {
    if (request.kind.group !== GROUP || request.kind.kind !== validator.kind) {
      return errored(
        `the ${validator.kind} webhook received a ${request.kind.kind}.${request.kind.group}: fix the rules of the ValidatingWebhookConfiguration`,
      );
    }
    // request.object is the apiserver's decoded object of this kind, already checked against the CRD schema
    const obj = request.object as T;
    if (request.operation === 'CREATE') {
      return verdictFor(validator.kind, obj, await validator.create(obj, request, signal));
    }
    if (request.operation === 'UPDATE') {
      const old = request.oldObject as T;
      // Ratcheting, as the apiserver does for CRD schemas: an update that leaves the spec alone (labels,
      // ownerReferences, finalizers) is never blocked by rules the stored object predates.
      if (jsonEqual(specOf(old), specOf(obj))) return allowed();
      return verdictFor(validator.kind, obj, await validator.update(old, obj, request, signal));
    }
    return allowed();
  };
}

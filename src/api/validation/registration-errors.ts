// The API-state errors every kind reports the same way: a resource type without an Active registration,
// a consumer of the wrong type, and a kind outside the registration's claimingResources. Milo's wording comes
// first (clients match on it); what follows says which case it is and what to do.
import { type ClaimingResource, type ConsumerType, groupKindString } from '../consumer.ts';
import { FEATURE_TYPE, type ResourceRegistration } from '../resource-registration.ts';
import { type FieldError, type FieldErrorType, fieldError, invalid } from './field-error.ts';
import { isRegistrationActive, type RegistrationLookup } from './registrations.ts';

/** Milo's message for a resource type that cannot be used, with the reason: none registered, or not Active. */
export function notAvailable(
  path: string,
  resourceType: string,
  registration?: ResourceRegistration,
): FieldError {
  const reason =
    registration === undefined
      ? `resource type '${resourceType}' is not registered: create a ResourceRegistration for it`
      : `the ResourceRegistration '${registration.metadata.name ?? ''}' for '${resourceType}' is not Active: see its Active condition`;
  return invalid(
    path,
    `Resource type '${resourceType}' is not available for quota management. Enable quota tracking for this resource type by registering it with the quota system (${reason})`,
  );
}

/** The Active registration of `resourceType`, or the error at `path` saying why there is none. */
export function registrationOrError(
  lookup: RegistrationLookup,
  resourceType: string,
  path: string,
): { readonly registration: ResourceRegistration } | { readonly error: FieldError } {
  const registration = lookup.get(resourceType);
  if (registration !== undefined && isRegistrationActive(registration)) return { registration };
  return { error: notAvailable(path, resourceType, registration) };
}

/** Milo's consumer type mismatch message; `fix` (e.g. "grant it to a Organization") is appended when given. */
export function consumerTypeMismatch(
  path: string,
  resourceType: string,
  consumer: { readonly apiGroup?: string | undefined; readonly kind: string },
  want: ConsumerType,
  fix?: string,
): FieldError {
  const message = `consumer type mismatch for resource type ${resourceType}: expected ${groupKindString(want.apiGroup, want.kind)}, got ${groupKindString(consumer.apiGroup, consumer.kind)}`;
  return invalid(path, fix === undefined ? message : `${message}; ${fix}`);
}

/** Milo's claiming-rules message for a kind that may not claim `resourceType`; `hint` is appended when given. */
export function claimingRuleError(
  type: FieldErrorType,
  path: string,
  resourceType: string,
  claimer: { readonly apiGroup?: string | undefined; readonly kind: string },
  allowed: readonly ClaimingResource[],
  hint?: string,
): FieldError {
  const list = allowed.map((c) => groupKindString(c.apiGroup, c.kind)).join(', ');
  const message = `resource type ${groupKindString(claimer.apiGroup, claimer.kind)} does not satisfy claiming rules for ${resourceType}. Allowed claiming resources: [${list}]`;
  return fieldError(type, path, hint === undefined ? message : `${message} (${hint})`);
}

/**
 * A request for a Feature registration's resource type. Features (Milo 5647ea0d) are boolean entitlements:
 * a grant switches one on and nothing ever claims it, so such a request could never be granted.
 */
export function featureClaimError(path: string, registration: ResourceRegistration): FieldError | undefined {
  if (registration.spec.type !== FEATURE_TYPE) return undefined;
  const { resourceType } = registration.spec;
  return invalid(
    path,
    `resource type '${resourceType}' is registered as a Feature by ResourceRegistration '${registration.metadata.name ?? ''}': a feature is switched on by a ResourceGrant and is never claimed; remove this request`,
  );
}

// ResourceClaim validation beyond the CRD schema, with Milo's admission messages: unique resource types,
// amounts of at least 1, consumerRef and resourceRef present; an immutable spec; and, against API state,
// registered Active types, the consumer type and the claiming rules.
import { findCondition } from '../conditions.ts';
import { consumerMatchesType, isClaimingResource } from '../consumer.ts';
import { CONDITION_ACTIVE } from '../reasons.ts';
import { type ResourceClaim, type ResourceRequest, resourceClaimDefinition } from '../resource-claim.ts';
import { beyondSchema, checkKindSchema, hasSpec, immutableSpecFields } from './common.ts';
import { at, duplicate, type FieldError, invalid, required } from './field-error.ts';
import {
  claimingRuleError,
  consumerTypeMismatch,
  featureClaimError,
  registrationOrError,
} from './registration-errors.ts';
import type { RegistrationLookup } from './registrations.ts';

/** Per-request checks shared with ClaimCreationPolicy templates. */
export function requestErrors(requests: readonly ResourceRequest[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  const first = new Map<string, number>();
  requests.forEach((r, i) => {
    const p = at(path, i);
    if (typeof r.resourceType !== 'string' || r.resourceType === '') {
      errors.push(required(`${p}.resourceType`, 'resource type is required'));
      return;
    }
    const seen = first.get(r.resourceType);
    if (seen !== undefined) {
      errors.push(
        duplicate(
          `${p}.resourceType`,
          `resource type '${r.resourceType}' is already specified in request ${seen}; merge the two requests into one`,
        ),
      );
    } else first.set(r.resourceType, i);
    if (typeof r.amount === 'number' && r.amount <= 0) {
      errors.push(invalid(`${p}.amount`, 'amount must be greater than 0'));
    }
  });
  return errors;
}

export function validateResourceClaim(claim: ResourceClaim): FieldError[] {
  const schemaErrors = checkKindSchema(resourceClaimDefinition, claim);
  if (!hasSpec(claim)) return schemaErrors;
  return beyondSchema(schemaErrors, () => claimSpecErrors(claim.spec));
}

function claimSpecErrors(spec: ResourceClaim['spec']): FieldError[] {
  const errors: FieldError[] = [];
  errors.push(...requestErrors(Array.isArray(spec.requests) ? spec.requests : [], 'spec.requests'));
  if (spec.consumerRef === undefined) {
    errors.push(
      required(
        'spec.consumerRef',
        'consumerRef is required: name the consumer that pays, e.g. kind Organization and its name',
      ),
    );
  }
  if (spec.resourceRef === undefined || spec.resourceRef.kind === '') {
    errors.push(
      required(
        'spec.resourceRef.kind',
        'resourceRef.kind is required: the kind of the object this claim pays for',
      ),
    );
  }
  if (spec.resourceRef === undefined || spec.resourceRef.name === '') {
    errors.push(
      required(
        'spec.resourceRef.name',
        'resourceRef.name is required: the name of the object this claim pays for',
      ),
    );
  }
  return errors;
}

/** A claim's spec never changes once created: its decision is final (SPEC §4.6). */
const IMMUTABLE_FIELDS = ['consumerRef', 'requests', 'resourceRef'] as const;
const recreateClaim = (path: string) => `${path} is immutable: delete the claim and create a new one instead`;

export function validateResourceClaimUpdate(old: ResourceClaim, next: ResourceClaim): FieldError[] {
  const errors = checkKindSchema(resourceClaimDefinition, next);
  if (!hasSpec(old) || !hasSpec(next)) return errors;
  return [...errors, ...immutableSpecFields(old.spec, next.spec, IMMUTABLE_FIELDS, recreateClaim)];
}

/**
 * API-state checks (Milo's claiming rules): each resource type has an Active registration and is not a
 * Feature (features are granted, never claimed), the consumer is of its consumerType, and the resourceRef's
 * kind is one of its claimingResources.
 */
export function validateResourceClaimAgainstRegistrations(
  claim: ResourceClaim,
  lookup: RegistrationLookup,
): FieldError[] {
  const errors: FieldError[] = [];
  const { consumerRef, resourceRef } = claim.spec;
  claim.spec.requests.forEach((r, i) => {
    // A registration created together with the claim (one apply, one Argo CD sync) is not evaluated yet: the
    // claim is admitted and the operator decides it once the registration is judged (SPEC §4.6 spirit).
    const pending = lookup.get(r.resourceType);
    const path = `${at('spec.requests', i)}.resourceType`;
    const feature = pending === undefined ? undefined : featureClaimError(path, pending);
    if (feature !== undefined) {
      errors.push(feature);
      return;
    }
    const found =
      pending !== undefined && findCondition(pending.status?.conditions, CONDITION_ACTIVE) === undefined
        ? { registration: pending }
        : registrationOrError(lookup, r.resourceType, path);
    if ('error' in found) {
      errors.push(found.error);
      return;
    }
    const { consumerType, claimingResources } = found.registration.spec;
    if (consumerRef !== undefined && !consumerMatchesType(consumerRef, consumerType)) {
      errors.push(consumerTypeMismatch('spec.consumerRef', r.resourceType, consumerRef, consumerType));
    }
    if (resourceRef !== undefined && !isClaimingResource(claimingResources, resourceRef)) {
      errors.push(
        claimingRuleError('Forbidden', 'spec.resourceRef', r.resourceType, resourceRef, claimingResources),
      );
    }
  });
  return errors;
}

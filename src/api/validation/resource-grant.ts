// ResourceGrant validation beyond the CRD schema: per resource type the summed amount must stay within
// 2^53-1; against API state, each resource type needs an Active registration whose consumerType is the
// grant's consumer kind (SPEC §3; Milo never checked the consumer).
import { isAmount, MAX_AMOUNT } from '../amount.ts';
import { type ConsumerRef, consumerMatchesType } from '../consumer.ts';
import { type ResourceGrant, resourceGrantDefinition } from '../resource-grant.ts';
import { beyondSchema, checkKindSchema, hasSpec } from './common.ts';
import { at, type FieldError, invalid } from './field-error.ts';
import { consumerTypeMismatch, registrationOrError } from './registration-errors.ts';
import type { RegistrationLookup } from './registrations.ts';

interface AllowanceLike {
  readonly resourceType: string;
  readonly buckets: readonly { readonly amount: number }[];
}

/** Sum per resource type across allowances (Milo adds duplicates); flags totals above MAX_AMOUNT. */
export function allowanceTotalErrors(allowances: readonly AllowanceLike[], path: string): FieldError[] {
  const totals = new Map<string, { total: number; index: number }>();
  const errors: FieldError[] = [];
  allowances.forEach((a, i) => {
    const entry = totals.get(a.resourceType) ?? { total: 0, index: i };
    const before = entry.total;
    // invalid amounts are reported by the schema check; only valid ones add up to a total error
    for (const b of a.buckets ?? []) entry.total += isAmount(b.amount) ? b.amount : 0;
    if (before <= MAX_AMOUNT && entry.total > MAX_AMOUNT) {
      errors.push(
        invalid(
          at(path, i),
          `total amount for resource type '${a.resourceType}' exceeds ${MAX_AMOUNT} (2^53-1); lower the bucket amounts`,
        ),
      );
    }
    totals.set(a.resourceType, entry);
  });
  return errors;
}

export function validateResourceGrant(grant: ResourceGrant): FieldError[] {
  const errors = checkKindSchema(resourceGrantDefinition, grant);
  if (!hasSpec(grant)) return errors;
  return beyondSchema(errors, () => allowanceTotalErrors(grant.spec.allowances ?? [], 'spec.allowances'));
}

/** Grants are mutable (policies update them), so an update is checked like a create. */
export function validateResourceGrantUpdate(_old: ResourceGrant, next: ResourceGrant): FieldError[] {
  return validateResourceGrant(next);
}

/** Where allowanceRegistrationErrors reports, and which resource types it leaves to other checks. */
export interface AllowanceCheckPaths {
  readonly allowances: string;
  readonly consumer: string;
  /** Resource types that are reported elsewhere (a template's empty or templated ones); default none. */
  readonly skip?: (resourceType: string) => boolean;
}

/**
 * API-state checks shared by grants and grant templates: every distinct resource type must have an Active
 * registration, and a (literal) consumer must be of that registration's consumerType.
 */
export function allowanceRegistrationErrors(
  consumer: ConsumerRef | undefined,
  allowances: readonly AllowanceLike[],
  lookup: RegistrationLookup,
  paths: AllowanceCheckPaths,
): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  allowances.forEach((a, i) => {
    if (seen.has(a.resourceType) || paths.skip?.(a.resourceType)) return;
    seen.add(a.resourceType);
    const found = registrationOrError(lookup, a.resourceType, `${at(paths.allowances, i)}.resourceType`);
    if ('error' in found) {
      errors.push(found.error);
      return;
    }
    const want = found.registration.spec.consumerType;
    if (consumer !== undefined && !consumerMatchesType(consumer, want)) {
      errors.push(
        consumerTypeMismatch(paths.consumer, a.resourceType, consumer, want, `grant it to a ${want.kind}`),
      );
    }
  });
  return errors;
}

export function validateResourceGrantAgainstRegistrations(
  grant: ResourceGrant,
  lookup: RegistrationLookup,
): FieldError[] {
  return allowanceRegistrationErrors(grant.spec.consumerRef, grant.spec.allowances, lookup, {
    allowances: 'spec.allowances',
    consumer: 'spec.consumerRef',
  });
}

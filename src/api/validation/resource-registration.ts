// ResourceRegistration validation beyond the CRD schema: duplicate claimingResources with Milo's message
// (on create and update, which Milo forgot), immutability, and resourceType uniqueness (API state).
import { groupKindString } from '../consumer.ts';
import { type ResourceRegistration, resourceRegistrationDefinition } from '../resource-registration.ts';
import { beyondSchema, checkKindSchema, hasSpec, immutableSpecFields } from './common.ts';
import { at, duplicate, type FieldError } from './field-error.ts';

function duplicateClaimingResources(reg: ResourceRegistration): FieldError[] {
  const seen = new Map<string, number>();
  const errors: FieldError[] = [];
  (reg.spec.claimingResources ?? []).forEach((c, i) => {
    const key = groupKindString(c.apiGroup, c.kind);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else {
      errors.push(
        duplicate(
          at('spec.claimingResources', i),
          `duplicate claiming resource '${key}' (first occurrence at index ${first}); list each apiGroup/kind once`,
        ),
      );
    }
  });
  return errors;
}

/** Errors in a registration on its own (create, or the new object of an update). */
export function validateResourceRegistration(reg: ResourceRegistration): FieldError[] {
  const errors = checkKindSchema(resourceRegistrationDefinition, reg);
  if (!hasSpec(reg)) return errors;
  return beyondSchema(errors, () => duplicateClaimingResources(reg));
}

const IMMUTABLE_FIELDS = ['resourceType', 'consumerType', 'type'] as const;
const recreateRegistration = (path: string) =>
  `${path} is immutable; create a new ResourceRegistration instead`;

/** Errors in an update: the new object's errors plus changed immutable fields. */
export function validateResourceRegistrationUpdate(
  old: ResourceRegistration,
  next: ResourceRegistration,
): FieldError[] {
  const errors = validateResourceRegistration(next);
  if (!hasSpec(old) || !hasSpec(next)) return errors;
  return [...errors, ...immutableSpecFields(old.spec, next.spec, IMMUTABLE_FIELDS, recreateRegistration)];
}

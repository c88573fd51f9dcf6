// ClaimCreationPolicy checks that need no CEL: resourceRef is filled in automatically, the claim template's
// static checks and requests; against API state, registered Active resource types, a literal consumer kind
// of the right consumerType, and no Feature (features are never claimed). src/policy's
// validateClaimCreationPolicy combines them with the CEL checks.
import { type ClaimCreationPolicy, claimCreationPolicyDefinition } from '../claim-creation-policy.ts';
import { consumerMatchesType } from '../consumer.ts';
import { hasSpec, rulesThenSchema } from './common.ts';
import { at, type FieldError, forbidden } from './field-error.ts';
import { consumerTypeMismatch, featureClaimError, registrationOrError } from './registration-errors.ts';
import type { RegistrationLookup } from './registrations.ts';
import { requestErrors } from './resource-claim.ts';
import {
  consumerTemplateErrors,
  isUncheckableResourceType,
  literalConsumer,
  literalNamespaceErrors,
  metadataTemplateErrors,
  resourceTypeTemplateErrors,
} from './templates.ts';

const TEMPLATE = 'spec.target.resourceClaimTemplate';
const REQUESTS = `${TEMPLATE}.spec.requests`;

function templateErrors(policy: ClaimCreationPolicy): FieldError[] {
  const template = policy.spec.target?.resourceClaimTemplate;
  if (template === undefined) return [];
  const rules = { nameRequired: false, exclusiveNames: true };
  const errors = metadataTemplateErrors(template.metadata, `${TEMPLATE}.metadata`, rules);
  if (template.spec?.resourceRef !== undefined) {
    errors.push(
      forbidden(
        `${TEMPLATE}.spec.resourceRef`,
        'resourceRef field is automatically populated and cannot be set in template; remove it',
      ),
    );
  }
  errors.push(...consumerTemplateErrors(template.spec?.consumerRef, `${TEMPLATE}.spec.consumerRef`));
  const requests = Array.isArray(template.spec?.requests) ? template.spec.requests : [];
  errors.push(...requestErrors(requests, REQUESTS));
  requests.forEach((r, i) => {
    errors.push(...resourceTypeTemplateErrors(r.resourceType, `${at(REQUESTS, i)}.resourceType`, false));
  });
  return errors;
}

/**
 * A ClaimCreationPolicy's static checks that need no CEL: the template rules above, then the CRD schema's
 * errors at other fields. A building block: callers want src/policy's validateClaimCreationPolicy, which adds
 * the CEL checks and, for controllers, API state. Policies are mutable: an update is checked like a create.
 */
export function claimCreationPolicyFieldErrors(policy: ClaimCreationPolicy): FieldError[] {
  return rulesThenSchema(
    claimCreationPolicyDefinition,
    policy,
    hasSpec(policy) ? templateErrors(policy) : [],
  );
}

/**
 * The controller's checks (SPEC §5), reported as Ready=False/ValidationFailed: a literal namespace that can
 * exist, and against API state, registered Active resource types that are not Features and a literal
 * consumer kind of the right consumerType. Whether the
 * trigger kind may claim is not checked here: as in Milo (pkg/quota/validation/resourceclaim.go), claiming
 * rules apply to each ResourceClaim at admission, so a create the registration does not allow is denied then.
 */
export function claimCreationPolicyRegistrationErrors(
  policy: ClaimCreationPolicy,
  lookup: RegistrationLookup,
): FieldError[] {
  const template = policy.spec.target.resourceClaimTemplate;
  const errors = literalNamespaceErrors(template.metadata, `${TEMPLATE}.metadata`);
  const spec = template.spec;
  const consumer = literalConsumer(spec.consumerRef);
  spec.requests.forEach((r, i) => {
    if (isUncheckableResourceType(r.resourceType)) return;
    const path = `${at(REQUESTS, i)}.resourceType`;
    const registration = lookup.get(r.resourceType);
    const feature = registration === undefined ? undefined : featureClaimError(path, registration);
    if (feature !== undefined) {
      errors.push(feature);
      return;
    }
    const found = registrationOrError(lookup, r.resourceType, path);
    if ('error' in found) {
      errors.push(found.error);
      return;
    }
    const { consumerType } = found.registration.spec;
    if (consumer !== undefined && !consumerMatchesType(consumer, consumerType)) {
      errors.push(
        consumerTypeMismatch(`${TEMPLATE}.spec.consumerRef`, r.resourceType, consumer, consumerType),
      );
    }
  });
  return errors;
}

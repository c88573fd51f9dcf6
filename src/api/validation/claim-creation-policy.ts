// ClaimCreationPolicy checks that need no CEL: resourceRef is filled in automatically, the claim template's
// static checks and requests; against API state, registered Active resource types, a literal consumer kind
// of the right consumerType, and a trigger kind the registration lets claim. src/policy's
// validateClaimCreationPolicy combines them with the CEL checks.
import { type ClaimCreationPolicy, claimCreationPolicyDefinition } from '../claim-creation-policy.ts';
import { consumerMatchesType, groupKindString, isClaimingResource } from '../consumer.ts';
import { hasSpec, rulesThenSchema } from './common.ts';
import { at, type FieldError, forbidden } from './field-error.ts';
import { isTemplated } from './names.ts';
import { claimingRuleError, consumerTypeMismatch, registrationOrError } from './registration-errors.ts';
import type { RegistrationLookup } from './registrations.ts';
import { requestErrors } from './resource-claim.ts';
import {
  consumerTemplateErrors,
  isUncheckableResourceType,
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

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** API-state checks (SPEC §5); the controller reports them as Ready=False/ValidationFailed. */
export function claimCreationPolicyRegistrationErrors(
  policy: ClaimCreationPolicy,
  lookup: RegistrationLookup,
): FieldError[] {
  const errors: FieldError[] = [];
  const { resource } = policy.spec.trigger;
  const trigger = { apiGroup: groupOf(resource.apiVersion), kind: resource.kind };
  const spec = policy.spec.target.resourceClaimTemplate.spec;
  const consumer = spec.consumerRef;
  const literalConsumer =
    consumer === undefined || isTemplated(consumer.kind) || isTemplated(consumer.apiGroup ?? '')
      ? undefined
      : consumer;
  spec.requests.forEach((r, i) => {
    if (isUncheckableResourceType(r.resourceType)) return;
    const found = registrationOrError(lookup, r.resourceType, `${at(REQUESTS, i)}.resourceType`);
    if ('error' in found) {
      errors.push(found.error);
      return;
    }
    const { consumerType, claimingResources } = found.registration.spec;
    if (literalConsumer !== undefined && !consumerMatchesType(literalConsumer, consumerType)) {
      errors.push(
        consumerTypeMismatch(`${TEMPLATE}.spec.consumerRef`, r.resourceType, literalConsumer, consumerType),
      );
    }
    if (!isClaimingResource(claimingResources, { ...trigger, name: '-' })) {
      const who = groupKindString(trigger.apiGroup, trigger.kind);
      const hint = `${who} may not claim ${r.resourceType}, so every matching create would be denied: add it to the registration's claimingResources`;
      errors.push(
        claimingRuleError(
          'Invalid',
          'spec.trigger.resource',
          r.resourceType,
          trigger,
          claimingResources,
          hint,
        ),
      );
    }
  });
  return errors;
}

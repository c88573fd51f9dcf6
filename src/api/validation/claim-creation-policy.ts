// ClaimCreationPolicy validation beyond the CRD schema: resourceRef is filled in automatically, the claim
// template's static checks and requests; against API state, registered Active resource types, a literal
// consumer kind of the right consumerType, and a trigger kind the registration lets claim.
import { type ClaimCreationPolicy, claimCreationPolicyDefinition } from '../claim-creation-policy.ts';
import { consumerMatchesType, groupKindString, isClaimingResource } from '../consumer.ts';
import { checkKindSchema, hasSpec } from './common.ts';
import { at, type FieldError, forbidden, invalid } from './field-error.ts';
import { isTemplated } from './names.ts';
import { activeRegistration, notAvailable, type RegistrationLookup } from './registrations.ts';
import { requestErrors } from './resource-claim.ts';
import { consumerTemplateErrors, metadataTemplateErrors } from './templates.ts';

const TEMPLATE = 'spec.target.resourceClaimTemplate';

function templateErrors(policy: ClaimCreationPolicy): FieldError[] {
  const template = policy.spec.target?.resourceClaimTemplate;
  if (template === undefined) return [];
  const errors = metadataTemplateErrors(template.metadata, `${TEMPLATE}.metadata`, { nameRequired: false });
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
  errors.push(...requestErrors(requests, `${TEMPLATE}.spec.requests`));
  requests.forEach((r, i) => {
    if (typeof r.resourceType === 'string' && isTemplated(r.resourceType)) {
      errors.push(
        invalid(
          `${at(`${TEMPLATE}.spec.requests`, i)}.resourceType`,
          'resource types are literal: write the registered resource type, not a template',
        ),
      );
    }
  });
  return errors;
}

export function validateClaimCreationPolicy(policy: ClaimCreationPolicy): FieldError[] {
  const errors = checkKindSchema(claimCreationPolicyDefinition, policy);
  if (!hasSpec(policy)) return errors;
  return [...errors, ...templateErrors(policy)];
}

export function validateClaimCreationPolicyUpdate(
  _old: ClaimCreationPolicy,
  next: ClaimCreationPolicy,
): FieldError[] {
  return validateClaimCreationPolicy(next);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** API-state checks for the controller (SPEC §5): Ready=False/ValidationFailed with these errors. */
export function validateClaimCreationPolicyAgainstRegistrations(
  policy: ClaimCreationPolicy,
  lookup: RegistrationLookup,
): FieldError[] {
  const errors: FieldError[] = [];
  const { resource } = policy.spec.trigger;
  const spec = policy.spec.target.resourceClaimTemplate.spec;
  const consumer = spec.consumerRef;
  const literalConsumer =
    consumer === undefined || isTemplated(consumer.kind) || isTemplated(consumer.apiGroup ?? '')
      ? undefined
      : consumer;
  spec.requests.forEach((r, i) => {
    const p = at(`${TEMPLATE}.spec.requests`, i);
    const reg = activeRegistration(lookup, r.resourceType);
    if (reg === undefined) {
      errors.push(notAvailable(`${p}.resourceType`, r.resourceType));
      return;
    }
    const type = reg.spec.consumerType;
    if (literalConsumer !== undefined && !consumerMatchesType(literalConsumer, type)) {
      errors.push(
        invalid(
          `${TEMPLATE}.spec.consumerRef`,
          `consumer type mismatch for resource type ${r.resourceType}: expected ${groupKindString(type.apiGroup, type.kind)}, got ${groupKindString(literalConsumer.apiGroup, literalConsumer.kind)}`,
        ),
      );
    }
    const trigger = { apiGroup: groupOf(resource.apiVersion), kind: resource.kind, name: '-' };
    if (!isClaimingResource(reg.spec.claimingResources, trigger)) {
      const allowed = reg.spec.claimingResources.map((c) => groupKindString(c.apiGroup, c.kind)).join(', ');
      errors.push(
        invalid(
          'spec.trigger.resource',
          `${groupKindString(trigger.apiGroup, trigger.kind)} may not claim ${r.resourceType}: add it to the registration's claimingResources (allowed: [${allowed}])`,
        ),
      );
    }
  });
  return errors;
}

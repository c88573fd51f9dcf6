// GrantCreationPolicy validation beyond the CRD schema: the three rules Milo declared but never emitted
// (also CEL rules in our CRD), the grant template's static checks, and, against API state, the allowance
// resource types and consumer type. CEL and {{ }} syntax are checked by the policy layer.
import { type GrantCreationPolicy, grantCreationPolicyDefinition } from '../grant-creation-policy.ts';
import { MAX_ALLOWANCES } from '../resource-grant.ts';
import { checkKindSchema, hasSpec } from './common.ts';
import { type FieldError, forbidden, invalid, required } from './field-error.ts';
import { isTemplated } from './names.ts';
import type { RegistrationLookup } from './registrations.ts';
import { allowanceRegistrationErrors, allowanceTotalErrors } from './resource-grant.ts';
import { consumerTemplateErrors, metadataTemplateErrors } from './templates.ts';

const TEMPLATE = 'spec.target.resourceGrantTemplate';

function lostMiloRules(policy: GrantCreationPolicy): FieldError[] {
  const { disabled, trigger, target } = policy.spec;
  const errors: FieldError[] = [];
  if (disabled === true && (trigger?.constraints?.length ?? 0) > 0) {
    errors.push(
      forbidden(
        'spec.trigger.constraints',
        'disabled policies should not have trigger constraints; remove the constraints or set disabled: false',
      ),
    );
  }
  const parent = target?.parentContext;
  if (parent !== undefined && (parent.nameExpression ?? '') === '') {
    errors.push(
      required('spec.target.parentContext.nameExpression', 'parent context must have a name expression'),
    );
  }
  const allowances = target?.resourceGrantTemplate?.spec?.allowances ?? [];
  if (allowances.length > MAX_ALLOWANCES) {
    errors.push(
      invalid(
        `${TEMPLATE}.spec.allowances`,
        `maximum ${MAX_ALLOWANCES} allowances per policy, got ${allowances.length}; split the policy`,
      ),
    );
  }
  return errors;
}

function templateErrors(policy: GrantCreationPolicy): FieldError[] {
  const template = policy.spec.target?.resourceGrantTemplate;
  if (template === undefined) return [];
  const errors = metadataTemplateErrors(template.metadata, `${TEMPLATE}.metadata`, { nameRequired: true });
  errors.push(...consumerTemplateErrors(template.spec?.consumerRef, `${TEMPLATE}.spec.consumerRef`));
  errors.push(...allowanceTotalErrors(template.spec?.allowances ?? [], `${TEMPLATE}.spec.allowances`));
  (template.spec?.allowances ?? []).forEach((a, i) => {
    if (typeof a.resourceType === 'string' && isTemplated(a.resourceType)) {
      errors.push(
        invalid(
          `${TEMPLATE}.spec.allowances[${i}].resourceType`,
          'resource types are literal: templates are not rendered here; write the registered resource type',
        ),
      );
    }
  });
  return errors;
}

export function validateGrantCreationPolicy(policy: GrantCreationPolicy): FieldError[] {
  const errors = checkKindSchema(grantCreationPolicyDefinition, policy);
  if (!hasSpec(policy)) return errors;
  return [...errors, ...lostMiloRules(policy), ...templateErrors(policy)];
}

/** Policies are mutable; an update is checked like a create. */
export function validateGrantCreationPolicyUpdate(
  _old: GrantCreationPolicy,
  next: GrantCreationPolicy,
): FieldError[] {
  return validateGrantCreationPolicy(next);
}

/**
 * API-state checks for the controller: every allowance resource type has an Active registration, and a
 * literal consumer kind matches its consumerType (a templated consumer is checked when rendered).
 */
export function validateGrantCreationPolicyAgainstRegistrations(
  policy: GrantCreationPolicy,
  lookup: RegistrationLookup,
): FieldError[] {
  const spec = policy.spec.target.resourceGrantTemplate.spec;
  const consumer = spec.consumerRef;
  const literalConsumer =
    isTemplated(consumer.kind) || isTemplated(consumer.apiGroup ?? '') ? undefined : consumer;
  return allowanceRegistrationErrors(
    literalConsumer,
    spec.allowances,
    lookup,
    `${TEMPLATE}.spec.allowances`,
    `${TEMPLATE}.spec.consumerRef`,
  );
}

// GrantCreationPolicy checks that need no CEL: the three rules Milo declared but never emitted (also CEL
// rules in our CRD), the grant template's static checks, and, against API state, the allowance resource
// types and consumer type. src/policy's validateGrantCreationPolicy combines them with the CEL checks.
import { type GrantCreationPolicy, grantCreationPolicyDefinition } from '../grant-creation-policy.ts';
import { MAX_ALLOWANCES } from '../resource-grant.ts';
import { hasSpec, rulesThenSchema } from './common.ts';
import { at, type FieldError, invalid, required } from './field-error.ts';
import type { RegistrationLookup } from './registrations.ts';
import { allowanceRegistrationErrors, allowanceTotalErrors } from './resource-grant.ts';
import {
  consumerTemplateErrors,
  isUncheckableResourceType,
  literalConsumer,
  literalNamespaceErrors,
  metadataTemplateErrors,
  resourceTypeTemplateErrors,
} from './templates.ts';

const TEMPLATE = 'spec.target.resourceGrantTemplate';

function lostMiloRules(policy: GrantCreationPolicy): FieldError[] {
  const { target } = policy.spec;
  const errors: FieldError[] = [];
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
  const allowances = template.spec?.allowances ?? [];
  const rules = { nameRequired: true, exclusiveNames: false };
  const errors = metadataTemplateErrors(template.metadata, `${TEMPLATE}.metadata`, rules);
  errors.push(...consumerTemplateErrors(template.spec?.consumerRef, `${TEMPLATE}.spec.consumerRef`));
  errors.push(...allowanceTotalErrors(allowances, `${TEMPLATE}.spec.allowances`));
  allowances.forEach((a, i) => {
    errors.push(
      ...resourceTypeTemplateErrors(
        a.resourceType,
        `${at(`${TEMPLATE}.spec.allowances`, i)}.resourceType`,
        true,
      ),
    );
  });
  return errors;
}

/**
 * A GrantCreationPolicy's static checks that need no CEL: the rules above, then the CRD schema's errors at
 * other fields. A building block: callers want src/policy's validateGrantCreationPolicy, which adds the CEL
 * checks and, for controllers, API state. Policies are mutable: an update is checked like a create.
 */
export function grantCreationPolicyFieldErrors(policy: GrantCreationPolicy): FieldError[] {
  const rules = hasSpec(policy) ? [...lostMiloRules(policy), ...templateErrors(policy)] : [];
  return rulesThenSchema(grantCreationPolicyDefinition, policy, rules);
}

/**
 * The controller's checks (Ready=False/ValidationFailed; admission lets them through, as Milo does): a
 * literal namespace that can exist, and against API state, every allowance resource type has an Active
 * registration and a literal consumer kind matches its consumerType (a templated consumer is checked when
 * rendered; templated resource types are reported by the static checks).
 */
export function grantCreationPolicyRegistrationErrors(
  policy: GrantCreationPolicy,
  lookup: RegistrationLookup,
): FieldError[] {
  const template = policy.spec.target.resourceGrantTemplate;
  const spec = template.spec;
  return [
    ...literalNamespaceErrors(template.metadata, `${TEMPLATE}.metadata`),
    ...allowanceRegistrationErrors(literalConsumer(spec.consumerRef), spec.allowances, lookup, {
      allowances: `${TEMPLATE}.spec.allowances`,
      consumer: `${TEMPLATE}.spec.consumerRef`,
      skip: isUncheckableResourceType,
    }),
  ];
}

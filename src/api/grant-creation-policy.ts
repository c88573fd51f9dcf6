// GrantCreationPolicy (cluster-scoped): when an object of the trigger kind exists and the constraints hold,
// the operator creates (and keeps up to date) the ResourceGrant rendered from the template.
import {
  AGE_COLUMN,
  column,
  conditionColumn,
  defineKind,
  type KindObject,
  type PrinterColumn,
  reasonColumn,
} from './crd.ts';
import { CONDITION_READY } from './reasons.ts';
import { resourceGrantSpecSchema } from './resource-grant.ts';
import { array, boolean, type Infer, object, optional, string } from './schema/builder.ts';
import {
  conditionExpressionSchema,
  conditionsStatusSchema,
  objectMetaTemplateSchema,
} from './schema/common.ts';
import { API_GROUP_PATTERN, API_VERSION_PATTERN, KIND_PATTERN } from './schema/patterns.ts';

export const GRANT_CREATION_POLICY = 'GrantCreationPolicy';
export const MAX_CONSTRAINTS = 10;

const triggerApiVersionSchema = string({
  description: 'apiVersion of the trigger kind: v1 for the core group, otherwise group/version.',
  pattern: API_VERSION_PATTERN,
});

/** The kind a GrantCreationPolicy watches: Milo's pattern (an UpperCamelCase kind, 1-63 characters). */
export const triggerResourceSchema = object(
  {
    apiVersion: triggerApiVersionSchema,
    kind: string({
      description: 'Kind of the trigger objects.',
      minLength: 1,
      maxLength: 63,
      pattern: KIND_PATTERN,
    }),
  },
  { description: 'The kind of object that triggers this policy.' },
);

/**
 * The kind a ClaimCreationPolicy matches at admission. Milo requires only a non-empty kind here; a kind that
 * names nothing cannot let anything past quota (the policy matches no create and says so in its Ready
 * condition), so we do not refuse manifests Milo accepts.
 */
export const claimTriggerResourceSchema = object(
  {
    apiVersion: triggerApiVersionSchema,
    kind: string({ description: 'Kind of the trigger objects, e.g. Project.', minLength: 1 }),
  },
  { description: 'The kind of object whose creation triggers this policy.' },
);

export function triggerSchema(
  constraintsDescription: string,
  resource: typeof triggerResourceSchema = triggerResourceSchema,
) {
  return object(
    {
      resource,
      constraints: optional(
        array(conditionExpressionSchema, { description: constraintsDescription, maxItems: MAX_CONSTRAINTS }),
      ),
    },
    { description: 'Which objects trigger the policy.' },
  );
}

const parentContextSchema = object(
  {
    apiGroup: string({
      description: 'API group of the parent context kind.',
      maxLength: 253,
      pattern: API_GROUP_PATTERN,
    }),
    kind: string({
      description: 'Kind of the parent context.',
      minLength: 1,
      maxLength: 63,
      pattern: KIND_PATTERN,
    }),
    nameExpression: string({
      description: 'CEL expression over `trigger` (no {{ }}) returning the parent context name.',
      minLength: 1,
      maxLength: 512,
    }),
  },
  {
    description:
      "Targets another control plane. By the operator's --parent-context: unsupported (default; the policy is not Ready), this-cluster, or members (the registered member cluster that stands for the context).",
    rules: [
      {
        rule: 'has(self.nameExpression) && size(self.nameExpression) > 0',
        message: 'parent context must have a name expression',
        fieldPath: '.nameExpression',
        reason: 'FieldValueRequired',
      },
    ],
  },
);

const grantTemplateSchema = object(
  {
    metadata: objectMetaTemplateSchema,
    spec: resourceGrantSpecSchema(true),
  },
  { description: 'The ResourceGrant to create; metadata.name is required and may use {{ }} templates.' },
);

const targetSchema = object(
  {
    parentContext: optional(parentContextSchema),
    resourceGrantTemplate: grantTemplateSchema,
  },
  { description: 'What to create for each matching trigger object.' },
);

const specSchema = object(
  {
    disabled: optional(
      boolean({
        description: 'Stops the policy without deleting it. Existing grants are kept.',
        default: false,
      }),
    ),
    trigger: triggerSchema('CEL constraints over `trigger`; all must be true. At most 10.'),
    target: targetSchema,
  },
  // Milo declares "disabled policies should not have trigger constraints" but never enforces it, and pausing
  // a policy by setting disabled: true is the usual way; a disabled policy creates nothing, so no rule here.
  { description: 'When to create grants, and what they look like.' },
);

export const grantCreationPolicyStatusSchema = conditionsStatusSchema(
  GRANT_CREATION_POLICY,
  'policy',
  'Ready=True when the policy is valid, enabled and acting; ParentContextReady if parentContext is set.',
);

/** The columns of both policy kinds; only the trigger kind's header differs, as in Milo's CRDs. */
export function policyColumns(triggerHeader: 'Target' | 'Trigger'): PrinterColumn[] {
  return [
    column(triggerHeader, '.spec.trigger.resource.kind'),
    column('Disabled', '.spec.disabled', { type: 'boolean' }),
    conditionColumn('Ready', CONDITION_READY),
    reasonColumn(CONDITION_READY, 1),
    AGE_COLUMN,
  ];
}

export type GrantCreationPolicy = KindObject<typeof grantCreationPolicyDefinition>;
export type GrantCreationPolicySpec = Infer<typeof specSchema>;
export type GrantCreationPolicyStatus = Infer<typeof grantCreationPolicyStatusSchema>;
export type TriggerResource = Infer<typeof triggerResourceSchema>;
export type ConditionExpression = Infer<typeof conditionExpressionSchema>;
export type ObjectMetaTemplate = Infer<typeof objectMetaTemplateSchema>;
export type ParentContext = Infer<typeof parentContextSchema>;
export type ResourceGrantTemplate = Infer<typeof grantTemplateSchema>;

export const grantCreationPolicyDefinition = defineKind({
  kind: GRANT_CREATION_POLICY,
  plural: 'grantcreationpolicies',
  singular: 'grantcreationpolicy',
  listKind: 'GrantCreationPolicyList',
  shortNames: ['qgcp'],
  scope: 'Cluster',
  description:
    'GrantCreationPolicy creates a ResourceGrant for every object of a trigger kind that meets its constraints, e.g. default quota per Organization tier.',
  spec: specSchema,
  status: grantCreationPolicyStatusSchema,
  printerColumns: policyColumns('Trigger'),
  selectableFields: [
    '.spec.trigger.resource.kind',
    '.spec.trigger.resource.apiVersion',
    '.spec.target.parentContext.kind',
    '.spec.target.parentContext.apiGroup',
    '.spec.disabled',
  ],
});

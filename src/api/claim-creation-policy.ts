// ClaimCreationPolicy (cluster-scoped): at admission, a create of the trigger kind that meets the
// constraints gets a ResourceClaim rendered from the template, and is admitted only if it is granted.
import { isConditionTrue } from './conditions.ts';
import { defineKind, type KindObject } from './crd.ts';
import { claimTriggerResourceSchema, policyColumns, triggerSchema } from './grant-creation-policy.ts';
import { CONDITION_READY } from './reasons.ts';
import { resourceClaimSpecSchema } from './resource-claim.ts';
import { boolean, type Infer, object, optional } from './schema/builder.ts';
import { conditionsStatusSchema, objectMetaTemplateSchema } from './schema/common.ts';

export const CLAIM_CREATION_POLICY = 'ClaimCreationPolicy';

const claimTemplateSchema = object(
  {
    metadata: objectMetaTemplateSchema,
    spec: resourceClaimSpecSchema(true),
  },
  {
    description:
      'The ResourceClaim to create. name, generateName, namespace, label and annotation values and consumerRef fields may use {{ }} templates; resourceRef is filled in automatically.',
    rules: [
      {
        rule: '!has(self.spec.resourceRef)',
        message: 'resourceRef field is automatically populated and cannot be set in template',
        fieldPath: '.spec.resourceRef',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

const specSchema = object(
  {
    disabled: optional(
      boolean({ description: 'Stops enforcement without deleting the policy.', default: false }),
    ),
    trigger: triggerSchema(
      'CEL constraints over `trigger`, `user` and `requestInfo`; all must be true. At most 10.',
      claimTriggerResourceSchema,
    ),
    target: object(
      { resourceClaimTemplate: claimTemplateSchema },
      { description: 'The claim to create for each matching create request.' },
    ),
  },
  { description: 'Which creations consume quota, and the claim each one makes.' },
);

export const claimCreationPolicyStatusSchema = conditionsStatusSchema(
  CLAIM_CREATION_POLICY,
  'policy',
  'Ready=True when the policy is valid, enabled and enforced.',
);

export type ClaimCreationPolicy = KindObject<typeof claimCreationPolicyDefinition>;
export type ClaimCreationPolicySpec = Infer<typeof specSchema>;
export type ClaimCreationPolicyStatus = Infer<typeof claimCreationPolicyStatusSchema>;
export type ResourceClaimTemplate = Infer<typeof claimTemplateSchema>;

/** Whether a policy is enforced now: Ready and not disabled. Enforcement and the webhook's rules follow this. */
export function claimPolicyApplies(policy: ClaimCreationPolicy): boolean {
  return policy.spec.disabled !== true && isConditionTrue(policy.status?.conditions, CONDITION_READY);
}

export const claimCreationPolicyDefinition = defineKind({
  kind: CLAIM_CREATION_POLICY,
  plural: 'claimcreationpolicies',
  singular: 'claimcreationpolicy',
  listKind: 'ClaimCreationPolicyList',
  shortNames: ['qccp'],
  scope: 'Cluster',
  description:
    'ClaimCreationPolicy makes every matching create of its trigger kind claim quota at admission; the create is rejected when the claim is denied.',
  spec: specSchema,
  status: claimCreationPolicyStatusSchema,
  printerColumns: policyColumns('Target'),
  selectableFields: ['.spec.trigger.resource.kind', '.spec.trigger.resource.apiVersion', '.spec.disabled'],
});

// ResourceGrant (namespaced): gives a consumer capacity for one or more resource types. The grant's
// namespace does not affect aggregation; it only scopes RBAC and ownership.
import { AGE_COLUMN, column, conditionColumn, defineKind, type KindObject } from './crd.ts';
import { CONDITION_ACTIVE } from './reasons.ts';
import { array, type Infer, object } from './schema/builder.ts';
import { amountSchema, conditionsStatusSchema, consumerRef, resourceTypeSchema } from './schema/common.ts';

export const RESOURCE_GRANT = 'ResourceGrant';
export const MAX_ALLOWANCES = 20;

const bucketSchema = object(
  { amount: amountSchema(0, 'Capacity in base units. 0 is allowed and adds nothing.') },
  { description: 'One contribution of capacity; all bucket amounts of an allowance are added together.' },
);

const allowanceSchema = object(
  {
    resourceType: resourceTypeSchema('The registered resource type this allowance gives capacity for.'),
    buckets: array(bucketSchema, {
      description: 'Amounts added together (separate sources, tiers or increases).',
      minItems: 1,
    }),
  },
  { description: 'Capacity for one resource type.' },
);

/**
 * ResourceGrant spec. GrantCreationPolicy templates reuse it with `forTemplate`, which swaps the
 * allowances maxItems for Milo's lost "maximum 20 allowances per policy" CEL rule (one error, not two).
 */
export function resourceGrantSpecSchema(forTemplate = false) {
  const allowanceLimit = forTemplate
    ? {
        rules: [
          {
            rule: `size(self) <= ${MAX_ALLOWANCES}`,
            message: `maximum ${MAX_ALLOWANCES} allowances per policy`,
            reason: 'FieldValueInvalid' as const,
          },
        ],
      }
    : { maxItems: MAX_ALLOWANCES };
  return object(
    {
      consumerRef: consumerRef(forTemplate),
      allowances: array(allowanceSchema, {
        description: `Capacity per resource type, 1 to ${MAX_ALLOWANCES} entries.`,
        minItems: 1,
        ...allowanceLimit,
      }),
    },
    { description: 'Who receives capacity, and how much of each resource type.' },
  );
}

const specSchema = resourceGrantSpecSchema();

export const resourceGrantStatusSchema = conditionsStatusSchema(
  RESOURCE_GRANT,
  'grant',
  'Active=True when every resource type is registered and Active and the consumer matches its consumerType.',
);

export type ResourceGrant = KindObject<typeof resourceGrantDefinition>;
export type ResourceGrantSpec = Infer<typeof specSchema>;
export type Allowance = Infer<typeof allowanceSchema>;
export type GrantBucket = Infer<typeof bucketSchema>;
export type ResourceGrantStatus = Infer<typeof resourceGrantStatusSchema>;

export const resourceGrantDefinition = defineKind({
  kind: RESOURCE_GRANT,
  plural: 'resourcegrants',
  singular: 'resourcegrant',
  listKind: 'ResourceGrantList',
  shortNames: ['qgrant'],
  scope: 'Namespaced',
  description:
    'ResourceGrant gives a consumer (e.g. an Organization) capacity for registered resource types.',
  spec: specSchema,
  status: resourceGrantStatusSchema,
  printerColumns: [
    column('Consumer Type', '.spec.consumerRef.kind'),
    column('Consumer', '.spec.consumerRef.name'),
    conditionColumn('Active', CONDITION_ACTIVE),
    column('Consumer Group', '.spec.consumerRef.apiGroup', { priority: 1 }),
    column('Resource Type', '.spec.allowances[0].resourceType', { priority: 1 }),
    AGE_COLUMN,
  ],
  selectableFields: ['.spec.consumerRef.kind', '.spec.consumerRef.name'],
});

// ResourceRegistration (cluster-scoped): declares an opaque resourceType string as quota-tracked, names the
// consumer kind that receives grants for it, and lists the kinds allowed to claim it.

import { MAX_AMOUNT } from './amount.ts';
import { AGE_COLUMN, column, conditionColumn, defineKind, type KindObject } from './crd.ts';
import { CONDITION_ACTIVE } from './reasons.ts';
import { array, enumOf, type Infer, int64, object, optional, refine, string } from './schema/builder.ts';
import {
  claimingResourceSchema,
  conditionsStatusSchema,
  consumerTypeSchema,
  resourceTypeSchema,
} from './schema/common.ts';

export const RESOURCE_REGISTRATION = 'ResourceRegistration';
export const REGISTRATION_TYPES = ['Entity', 'Allocation', 'Feature'] as const;
/** A boolean entitlement (Milo 5647ea0d): granted, never claimed; a consumer has it while its bucket's limit > 0. */
export const FEATURE_TYPE = 'Feature' satisfies (typeof REGISTRATION_TYPES)[number];
export const MAX_CLAIMING_RESOURCES = 20;

const immutable = (field: string) => ({ rule: 'self == oldSelf', message: `spec.${field} is immutable` });

export const resourceRegistrationSpecSchema = object(
  {
    consumerType: refine(consumerTypeSchema, {
      description: 'The kind that receives grants and is charged for claims of this type. Immutable.',
      rules: [immutable('consumerType')],
    }),
    type: enumOf(REGISTRATION_TYPES, {
      description:
        'Entity for countable objects (projects, instances); Allocation for capacity (vCPUs, bytes); Feature for a boolean entitlement (no claims: a consumer has the feature while an Active grant gives it an amount above 0). Immutable.',
      rules: [immutable('type')],
    }),
    resourceType: refine(
      resourceTypeSchema(
        'Opaque identifier of the quota-tracked resource, e.g. resourcemanager.miloapis.com/projects. Unique across registrations. Immutable.',
      ),
      { rules: [immutable('resourceType')] },
    ),
    description: optional(
      string({ description: 'What this resource type measures.', minLength: 1, maxLength: 500 }),
    ),
    baseUnit: string({
      description: 'Unit of every amount for this type, e.g. project or millicore.',
      minLength: 1,
      maxLength: 50,
    }),
    displayUnit: string({
      description: 'Unit shown to people, e.g. projects or vCPUs.',
      minLength: 1,
      maxLength: 50,
    }),
    unitConversionFactor: int64({
      description:
        'Base units per display unit (display value = base value / factor), e.g. 1000 millicores per vCPU.',
      minimum: 1,
      maximum: MAX_AMOUNT,
    }),
    claimingResources: array(claimingResourceSchema, {
      description: 'Kinds whose objects may claim this resource type. Each apiGroup/kind may appear once.',
      minItems: 1,
      maxItems: 20,
      rules: [
        {
          rule: "self.all(x, self.exists_one(y, y.kind == x.kind && (has(y.apiGroup) ? y.apiGroup : '') == (has(x.apiGroup) ? x.apiGroup : '')))",
          message: 'duplicate claiming resource: each apiGroup/kind may be listed only once',
        },
      ],
    }),
  },
  { description: 'Declares a quota-tracked resource type.' },
);

export const resourceRegistrationStatusSchema = conditionsStatusSchema(
  RESOURCE_REGISTRATION,
  'registration',
  'Active=True once grants and claims may use this resource type.',
);

export type ResourceRegistration = KindObject<typeof resourceRegistrationDefinition>;
export type ResourceRegistrationSpec = Infer<typeof resourceRegistrationSpecSchema>;
export type ResourceRegistrationStatus = Infer<typeof resourceRegistrationStatusSchema>;
export type RegistrationType = ResourceRegistrationSpec['type'];

export const resourceRegistrationDefinition = defineKind({
  kind: RESOURCE_REGISTRATION,
  plural: 'resourceregistrations',
  singular: 'resourceregistration',
  listKind: 'ResourceRegistrationList',
  shortNames: ['qreg'],
  scope: 'Cluster',
  description:
    'ResourceRegistration declares a resource type as quota-tracked: who receives grants for it (consumerType) and which kinds may claim it.',
  spec: resourceRegistrationSpecSchema,
  status: resourceRegistrationStatusSchema,
  printerColumns: [
    column('Resource Type', '.spec.resourceType'),
    column('Type', '.spec.type'),
    column('Consumer', '.spec.consumerType.kind', { priority: 1 }),
    conditionColumn('Active', CONDITION_ACTIVE),
    AGE_COLUMN,
  ],
  selectableFields: ['.spec.consumerType.kind', '.spec.consumerType.apiGroup', '.spec.resourceType'],
});

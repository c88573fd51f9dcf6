// ResourceClaim (namespaced): asks for capacity for one object, for one or more resource types. Requests
// are decided together (all granted or none). Created by admission (auto) or by a service (manual).
import { AGE_COLUMN, column, conditionColumn, defineKind, type KindObject, reasonColumn } from './crd.ts';
import { ALLOCATION_STATUSES, CONDITION_GRANTED, CONDITION_REASONS, MESSAGES } from './reasons.ts';
import { array, dateTime, enumOf, type Infer, object, optional, refine, string } from './schema/builder.ts';
import {
  amountSchema,
  conditionsSchema,
  consumerRef,
  objectRefSchema,
  observedGenerationSchema,
  resourceTypeSchema,
  UNOBSERVED,
} from './schema/common.ts';

export const RESOURCE_CLAIM = 'ResourceClaim';
export const MAX_REQUESTS = 20;

const requestSchema = object(
  {
    resourceType: resourceTypeSchema('The registered resource type requested.'),
    amount: amountSchema(1, 'Amount requested in base units; at least 1.'),
  },
  { description: 'An amount of one resource type.' },
);

/** The claim spec; ClaimCreationPolicy templates reuse it (where resourceRef is forbidden by a CEL rule). */
export function resourceClaimSpecSchema(forTemplate = false) {
  return object(
    {
      consumerRef: optional(
        refine(consumerRef(forTemplate), {
          description: 'Who pays for this claim, e.g. an Organization. Required at admission.',
        }),
      ),
      requests: array(requestSchema, {
        description: `What is requested: 1 to ${MAX_REQUESTS} entries, one per resource type. Granted all together or not at all.`,
        minItems: 1,
        maxItems: MAX_REQUESTS,
        rules: [
          {
            rule: 'self.all(x, self.exists_one(y, y.resourceType == x.resourceType))',
            message: 'duplicate resourceType: each resource type may be requested only once per claim',
          },
        ],
      }),
      resourceRef: optional(
        refine(objectRefSchema, {
          description: 'The object this claim pays for; filled in automatically for policy-created claims.',
        }),
      ),
    },
    { description: 'Who pays, what is requested, and for which object.' },
  );
}

const allocationSchema = object(
  {
    resourceType: string({ description: 'The resource type of the request.', minLength: 1, maxLength: 253 }),
    status: enumOf(ALLOCATION_STATUSES, { description: 'Outcome for this request.' }),
    reason: optional(string({ description: 'CamelCase reason, e.g. QuotaAvailable or QuotaExceeded.' })),
    message: optional(string({ description: 'Human-readable detail.' })),
    allocatedAmount: optional(amountSchema(0, 'Amount reserved for this request when Granted.')),
    allocatingBucket: optional(
      string({ description: 'Name of the AllowanceBucket the amount was reserved in.' }),
    ),
    lastTransitionTime: dateTime({ description: 'When this allocation last changed status.' }),
  },
  { description: 'The decision for one request.' },
);

const pendingDefault = {
  ...UNOBSERVED,
  conditions: [
    {
      type: CONDITION_GRANTED,
      status: 'False',
      reason: 'PendingEvaluation',
      message: MESSAGES.claimPending,
      lastTransitionTime: '1970-01-01T00:00:00Z',
    },
  ],
};

export const resourceClaimStatusSchema = object(
  {
    observedGeneration: optional(observedGenerationSchema),
    allocations: optional(
      array(allocationSchema, {
        description: 'Per-request decisions, keyed by resourceType.',
        maxItems: MAX_REQUESTS,
        listType: 'map',
        listMapKeys: ['resourceType'],
      }),
    ),
    conditions: optional(
      conditionsSchema(
        'Granted=True when every request is granted; False/QuotaExceeded when denied; False/PendingEvaluation until decided.',
        CONDITION_REASONS[RESOURCE_CLAIM],
      ),
    ),
  },
  {
    description: 'The decision, written by the operator. New claims show Granted=False/PendingEvaluation.',
    default: pendingDefault,
  },
);

export type ResourceClaim = KindObject<typeof resourceClaimDefinition>;
export type ResourceClaimSpec = Infer<ReturnType<typeof resourceClaimSpecSchema>>;
export type ResourceRequest = Infer<typeof requestSchema>;
export type Allocation = Infer<typeof allocationSchema>;
export type ResourceClaimStatus = Infer<typeof resourceClaimStatusSchema>;

/** The claim CRD's spec: the template schema plus immutability (a decided claim is final). */
const claimSpecSchema = refine(resourceClaimSpecSchema(), {
  rules: [
    { rule: 'self == oldSelf', message: 'spec is immutable: delete the claim and create a new one instead' },
  ],
});

export const resourceClaimDefinition = defineKind({
  kind: RESOURCE_CLAIM,
  plural: 'resourceclaims',
  singular: 'resourceclaim',
  listKind: 'ResourceClaimList',
  shortNames: ['qclaim'],
  scope: 'Namespaced',
  description:
    'ResourceClaim asks for capacity from a consumer for one object. All requests are granted together or the claim is denied.',
  spec: claimSpecSchema,
  status: resourceClaimStatusSchema,
  printerColumns: [
    column('Consumer', '.spec.consumerRef.name'),
    conditionColumn('Granted', CONDITION_GRANTED),
    reasonColumn(CONDITION_GRANTED),
    column('Resource', '.spec.requests[0].resourceType', { priority: 1 }),
    column('Object Kind', '.spec.resourceRef.kind', { priority: 1 }),
    column('Object', '.spec.resourceRef.name', { priority: 1 }),
    AGE_COLUMN,
  ],
  selectableFields: [
    '.spec.consumerRef.kind',
    '.spec.consumerRef.name',
    '.spec.resourceRef.apiGroup',
    '.spec.resourceRef.kind',
    '.spec.resourceRef.name',
    '.spec.resourceRef.namespace',
  ],
});

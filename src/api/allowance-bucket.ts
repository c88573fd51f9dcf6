// AllowanceBucket (namespaced, system-owned): the aggregate for one consumer and resource type. Only the
// operator writes it; users read it to see limit, allocated and available.
import { AGE_COLUMN, column, defineKind, type KindObject } from './crd.ts';
import {
  array,
  dateTime,
  type Infer,
  int32,
  int64,
  object,
  optional,
  refine,
  string,
} from './schema/builder.ts';
import {
  amountSchema,
  consumerRefSchema,
  observedGenerationSchema,
  resourceTypeSchema,
} from './schema/common.ts';

export const ALLOWANCE_BUCKET = 'AllowanceBucket';

export const allowanceBucketSpecSchema = refine(
  object(
    {
      consumerRef: consumerRefSchema,
      resourceType: resourceTypeSchema('The resource type this bucket aggregates.'),
    },
    {
      description:
        'The consumer and resource type this bucket aggregates. Immutable: they define its identity.',
    },
  ),
  {
    rules: [
      {
        rule: 'self == oldSelf',
        message: 'spec is immutable: a bucket is identified by its consumer and resource type',
      },
    ],
  },
);

const contributingGrantRefSchema = object(
  {
    name: string({ description: 'Name of the contributing grant.', minLength: 1 }),
    namespace: optional(string({ description: 'Namespace of the contributing grant (extension).' })),
    lastObservedGeneration: int64({
      description: 'Generation of the grant when it was counted.',
      minimum: 0,
    }),
    amount: amountSchema(0, 'Amount this grant bucket entry contributes.'),
  },
  { description: 'One grant bucket entry counted in the limit.' },
);

const count = (description: string) => int32({ description, minimum: 0 });

export const allowanceBucketStatusSchema = object(
  {
    observedGeneration: optional(observedGenerationSchema),
    limit: amountSchema(0, 'Sum of the amounts of all Active grants for this consumer and resource type.'),
    allocated: amountSchema(0, 'Sum of the allocated amounts of all Granted claim requests.'),
    available: amountSchema(0, 'max(0, limit - allocated).'),
    overcommitted: optional(
      amountSchema(
        0,
        'How far allocated exceeds limit (after a grant shrank). Absent or 0 when not over-committed. Existing claims are never revoked.',
      ),
    ),
    claimCount: count('Number of claims with a Granted request in this bucket.'),
    grantCount: count('Number of grant bucket entries counted in the limit.'),
    contributingGrantRefs: optional(
      array(contributingGrantRefSchema, { description: 'Grant bucket entries counted in the limit.' }),
    ),
    lastReconciliation: optional(dateTime({ description: 'When the operator last changed this status.' })),
  },
  { description: 'Aggregated figures, written only by the operator.' },
);

export type AllowanceBucket = KindObject<typeof allowanceBucketDefinition>;
export type AllowanceBucketSpec = Infer<typeof allowanceBucketSpecSchema>;
export type AllowanceBucketStatus = Infer<typeof allowanceBucketStatusSchema>;
export type ContributingGrantRef = Infer<typeof contributingGrantRefSchema>;

const integerColumn = (name: string, field: string, priority?: number) =>
  column(name, `.status.${field}`, { type: 'integer', priority });

export const allowanceBucketDefinition = defineKind({
  kind: ALLOWANCE_BUCKET,
  plural: 'allowancebuckets',
  singular: 'allowancebucket',
  listKind: 'AllowanceBucketList',
  shortNames: ['qbucket'],
  scope: 'Namespaced',
  description:
    'AllowanceBucket aggregates, for one consumer and resource type, the limit from Active grants and the amount allocated to granted claims. Created and written by the operator only.',
  spec: allowanceBucketSpecSchema,
  status: allowanceBucketStatusSchema,
  printerColumns: [
    column('Consumer', '.spec.consumerRef.name'),
    column('Resource Type', '.spec.resourceType'),
    integerColumn('Limit', 'limit'),
    integerColumn('Allocated', 'allocated'),
    integerColumn('Available', 'available'),
    integerColumn('Claims', 'claimCount'),
    column('Consumer Type', '.spec.consumerRef.kind', { priority: 1 }),
    integerColumn('Grants', 'grantCount', 1),
    integerColumn('Overcommitted', 'overcommitted', 1),
    AGE_COLUMN,
  ],
  selectableFields: ['.spec.consumerRef.kind', '.spec.consumerRef.name', '.spec.resourceType'],
});

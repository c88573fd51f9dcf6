// The bad-input catalogue: each case breaks one thing in a valid object and names the field the
// apiserver's error must mention. `on: 'update'` cases first create the valid object, then apply the
// broken one; `on: 'status'` cases create it, then merge-patch the status subresource.
import { MAX_AMOUNT } from '../../../src/api/index.ts';
import {
  clone,
  makeBucket,
  makeClaim,
  makeClaimPolicy,
  makeGrant,
  makeGrantPolicy,
  makeRegistration,
} from '../../../src/api/testing.ts';

// biome-ignore lint/suspicious/noExplicitAny: cases reach into arbitrary fields to break them
type Obj = any;

export interface BadInput {
  readonly name: string;
  readonly base: () => Obj;
  readonly on?: 'create' | 'update' | 'status';
  /** Mutates the object (create/update), or returns the status patch (status). */
  readonly breakIt: (o: Obj) => unknown;
  /** Field path that must appear in the apiserver's message. */
  readonly field: string;
  /** Extra text the message must contain. */
  readonly says?: string;
}

const TOO_BIG = MAX_AMOUNT + 1;
const registration = () => {
  const r: Obj = clone(makeRegistration());
  delete r.status;
  return r;
};
const inDefault = (o: Obj) => {
  o.metadata.namespace = 'default';
  return o;
};
const grant = () => inDefault(clone(makeGrant()));
const claim = () => inDefault(clone(makeClaim()));
const bucket = () => inDefault(clone(makeBucket()));
const gcp = () => clone(makeGrantPolicy());
const ccp = () => clone(makeClaimPolicy());
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const gt = (o: Obj) => o.spec.target.resourceGrantTemplate;
const ct = (o: Obj) => o.spec.target.resourceClaimTemplate;

export const BAD_INPUTS: readonly BadInput[] = [
  // ResourceRegistration
  {
    name: 'registration without resourceType',
    base: registration,
    breakIt: (o) => delete o.spec.resourceType,
    field: 'spec.resourceType',
  },
  {
    name: 'registration with an unknown type',
    base: registration,
    breakIt: (o) => {
      o.spec.type = 'InvalidType';
    },
    field: 'spec.type',
  },
  {
    name: 'registration with factor 0',
    base: registration,
    breakIt: (o) => {
      o.spec.unitConversionFactor = 0;
    },
    field: 'spec.unitConversionFactor',
  },
  {
    name: 'registration with factor above 2^53-1',
    base: registration,
    breakIt: (o) => {
      o.spec.unitConversionFactor = TOO_BIG;
    },
    field: 'spec.unitConversionFactor',
  },
  {
    name: 'registration with no claimingResources',
    base: registration,
    breakIt: (o) => {
      o.spec.claimingResources = [];
    },
    field: 'spec.claimingResources',
  },
  {
    name: 'registration with 21 claimingResources',
    base: registration,
    breakIt: (o) => {
      o.spec.claimingResources = many(21, (i) => ({ kind: `K${i}` }));
    },
    field: 'spec.claimingResources',
  },
  {
    name: 'registration with duplicate claimingResources',
    base: registration,
    breakIt: (o) => {
      o.spec.claimingResources = [
        { apiGroup: 'apps', kind: 'Deployment' },
        { apiGroup: 'apps', kind: 'Deployment' },
      ];
    },
    field: 'spec.claimingResources',
    says: 'duplicate claiming resource',
  },
  {
    name: 'registration with a core-group consumerType',
    base: registration,
    breakIt: (o) => {
      o.spec.consumerType.apiGroup = '';
    },
    field: 'spec.consumerType.apiGroup',
  },
  {
    name: 'registration with a malformed claiming apiGroup',
    base: registration,
    breakIt: (o) => {
      o.spec.claimingResources[0].apiGroup = 'Not_A_Group';
    },
    field: 'spec.claimingResources[0].apiGroup',
  },
  {
    name: 'registration with an empty description',
    base: registration,
    breakIt: (o) => {
      o.spec.description = '';
    },
    field: 'spec.description',
  },
  {
    name: 'registration with a 51-character baseUnit',
    base: registration,
    breakIt: (o) => {
      o.spec.baseUnit = 'x'.repeat(51);
    },
    field: 'spec.baseUnit',
  },
  {
    name: 'registration with a 254-character resourceType',
    base: registration,
    breakIt: (o) => {
      o.spec.resourceType = 'r'.repeat(254);
    },
    field: 'spec.resourceType',
  },
  {
    name: 'registration resourceType changed',
    base: registration,
    on: 'update',
    breakIt: (o) => {
      o.spec.resourceType = 'other';
    },
    field: 'spec.resourceType',
    says: 'spec.resourceType is immutable',
  },
  {
    name: 'registration consumerType changed',
    base: registration,
    on: 'update',
    breakIt: (o) => {
      o.spec.consumerType = { apiGroup: 'iam.miloapis.com', kind: 'User' };
    },
    field: 'spec.consumerType',
    says: 'spec.consumerType is immutable',
  },
  {
    name: 'registration type changed',
    base: registration,
    on: 'update',
    breakIt: (o) => {
      o.spec.type = 'Allocation';
    },
    field: 'spec.type',
    says: 'spec.type is immutable',
  },
  {
    name: 'registration Active reason outside the set',
    base: registration,
    on: 'status',
    breakIt: () => ({
      status: {
        conditions: [
          {
            type: 'Active',
            status: 'True',
            reason: 'Whatever',
            message: '',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
      },
    }),
    field: 'status.conditions',
    says: 'Active condition reason must be valid',
  },
  // ResourceGrant
  {
    name: 'grant with no allowances',
    base: grant,
    breakIt: (o) => {
      o.spec.allowances = [];
    },
    field: 'spec.allowances',
  },
  {
    name: 'grant with 21 allowances',
    base: grant,
    breakIt: (o) => {
      o.spec.allowances = many(21, (i) => ({ resourceType: `r${i}`, buckets: [{ amount: 1 }] }));
    },
    field: 'spec.allowances',
  },
  {
    name: 'grant with a negative amount',
    base: grant,
    breakIt: (o) => {
      o.spec.allowances[0].buckets[0].amount = -1;
    },
    field: 'spec.allowances[0].buckets[0].amount',
  },
  {
    name: 'grant with an amount above 2^53-1',
    base: grant,
    breakIt: (o) => {
      o.spec.allowances[0].buckets[0].amount = TOO_BIG;
    },
    field: 'spec.allowances[0].buckets[0].amount',
  },
  {
    name: 'grant allowance with no buckets',
    base: grant,
    breakIt: (o) => {
      o.spec.allowances[0].buckets = [];
    },
    field: 'spec.allowances[0].buckets',
  },
  {
    name: 'grant consumer without a name',
    base: grant,
    breakIt: (o) => delete o.spec.consumerRef.name,
    field: 'spec.consumerRef.name',
  },
  {
    name: 'grant with an unknown field',
    base: grant,
    breakIt: (o) => {
      o.spec.limit = 5;
    },
    field: 'spec.limit',
  },
  {
    name: 'grant Active reason outside the set',
    base: grant,
    on: 'status',
    breakIt: () => ({
      status: {
        conditions: [
          {
            type: 'Active',
            status: 'True',
            reason: 'RegistrationActive',
            message: '',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
      },
    }),
    field: 'status.conditions',
    says: 'Active condition reason must be valid',
  },
  // AllowanceBucket
  {
    name: 'bucket resourceType changed',
    base: bucket,
    on: 'update',
    breakIt: (o) => {
      o.spec.resourceType = 'other';
    },
    field: 'spec',
    says: 'immutable',
  },
  {
    name: 'bucket status with a negative limit',
    base: bucket,
    on: 'status',
    breakIt: () => ({ status: { limit: -1, allocated: 0, available: 0, claimCount: 0, grantCount: 0 } }),
    field: 'status.limit',
  },
  {
    name: 'bucket status without allocated',
    base: bucket,
    on: 'status',
    breakIt: () => ({ status: { limit: 1, available: 1, claimCount: 0, grantCount: 0 } }),
    field: 'status.allocated',
  },
  // ResourceClaim
  {
    name: 'claim asking for zero',
    base: claim,
    breakIt: (o) => {
      o.spec.requests[0].amount = 0;
    },
    field: 'spec.requests[0].amount',
  },
  {
    name: 'claim asking for a negative amount',
    base: claim,
    breakIt: (o) => {
      o.spec.requests[0].amount = -5;
    },
    field: 'spec.requests[0].amount',
  },
  {
    name: 'claim asking for more than 2^53-1',
    base: claim,
    breakIt: (o) => {
      o.spec.requests[0].amount = TOO_BIG;
    },
    field: 'spec.requests[0].amount',
  },
  {
    name: 'claim amount as a string',
    base: claim,
    breakIt: (o) => {
      o.spec.requests[0].amount = '1';
    },
    field: 'spec.requests[0].amount',
  },
  {
    name: 'claim with no requests',
    base: claim,
    breakIt: (o) => {
      o.spec.requests = [];
    },
    field: 'spec.requests',
  },
  {
    name: 'claim with 21 requests',
    base: claim,
    breakIt: (o) => {
      o.spec.requests = many(21, (i) => ({ resourceType: `r${i}`, amount: 1 }));
    },
    field: 'spec.requests',
  },
  {
    name: 'claim requesting a type twice',
    base: claim,
    breakIt: (o) => {
      o.spec.requests.push({ ...o.spec.requests[0], amount: 2 });
    },
    field: 'spec.requests',
    says: 'duplicate resourceType',
  },
  {
    name: 'claim resourceRef without kind',
    base: claim,
    breakIt: (o) => delete o.spec.resourceRef.kind,
    field: 'spec.resourceRef.kind',
  },
  {
    name: 'claim amount changed',
    base: claim,
    on: 'update',
    breakIt: (o) => {
      o.spec.requests[0].amount = 2;
    },
    field: 'spec',
    says: 'immutable',
  },
  {
    name: 'claim Granted reason outside the set',
    base: claim,
    on: 'status',
    breakIt: () => ({
      status: {
        conditions: [
          {
            type: 'Granted',
            status: 'True',
            reason: 'Because',
            message: '',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
      },
    }),
    field: 'status.conditions',
    says: 'Granted condition reason must be valid',
  },
  {
    name: 'claim allocation with an unknown status',
    base: claim,
    on: 'status',
    breakIt: () => ({
      status: {
        allocations: [{ resourceType: 'r', status: 'Maybe', lastTransitionTime: '2024-01-01T00:00:00Z' }],
      },
    }),
    field: 'status.allocations[0].status',
  },
  // GrantCreationPolicy
  {
    name: 'grant policy with a malformed trigger apiVersion',
    base: gcp,
    breakIt: (o) => {
      o.spec.trigger.resource.apiVersion = 'resourcemanager/v1 beta';
    },
    field: 'spec.trigger.resource.apiVersion',
  },
  {
    name: 'grant policy with a lowercase trigger kind',
    base: gcp,
    breakIt: (o) => {
      o.spec.trigger.resource.kind = 'organization';
    },
    field: 'spec.trigger.resource.kind',
  },
  {
    name: 'grant policy with 11 constraints',
    base: gcp,
    breakIt: (o) => {
      o.spec.trigger.constraints = many(11, () => ({ expression: 'true' }));
    },
    field: 'spec.trigger.constraints',
  },
  {
    name: 'grant policy with an empty constraint',
    base: gcp,
    breakIt: (o) => {
      o.spec.trigger.constraints[0].expression = '';
    },
    field: 'spec.trigger.constraints[0].expression',
  },
  {
    name: 'grant policy with a 1025-character constraint',
    base: gcp,
    breakIt: (o) => {
      o.spec.trigger.constraints[0].expression = `${'x'.repeat(1017)} == true`;
    },
    field: 'spec.trigger.constraints[0].expression',
  },
  {
    name: 'disabled grant policy with constraints',
    base: gcp,
    breakIt: (o) => {
      o.spec.disabled = true;
    },
    field: 'spec.trigger.constraints',
    says: 'disabled policies should not have trigger constraints',
  },
  {
    name: 'grant policy parentContext without nameExpression',
    base: gcp,
    breakIt: (o) => {
      o.spec.target.parentContext = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' };
    },
    field: 'spec.target.parentContext.nameExpression',
  },
  {
    name: 'grant policy with 21 allowances',
    base: gcp,
    breakIt: (o) => {
      gt(o).spec.allowances = many(21, (i) => ({ resourceType: `r${i}`, buckets: [{ amount: 1 }] }));
    },
    field: 'spec.target.resourceGrantTemplate.spec.allowances',
    says: 'maximum 20 allowances per policy',
  },
  {
    name: 'grant policy without target',
    base: gcp,
    breakIt: (o) => delete o.spec.target,
    field: 'spec.target',
  },
  // ClaimCreationPolicy
  {
    name: 'claim template that sets resourceRef',
    base: ccp,
    breakIt: (o) => {
      ct(o).spec.resourceRef = { kind: 'Project', name: 'x' };
    },
    field: 'spec.target.resourceClaimTemplate.spec.resourceRef',
    says: 'resourceRef field is automatically populated',
  },
  {
    name: 'claim template asking for zero',
    base: ccp,
    breakIt: (o) => {
      ct(o).spec.requests[0].amount = 0;
    },
    field: 'spec.target.resourceClaimTemplate.spec.requests[0].amount',
  },
  {
    name: 'claim policy with disabled as a string',
    base: ccp,
    breakIt: (o) => {
      o.spec.disabled = 'yes';
    },
    field: 'spec.disabled',
  },
  {
    name: 'claim policy Ready reason outside the set',
    base: ccp,
    on: 'status',
    breakIt: () => ({
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'GrantActive',
            message: '',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
      },
    }),
    field: 'status.conditions',
    says: 'Ready condition reason must be valid',
  },
];

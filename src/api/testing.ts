// Valid example objects of every kind for tests (here and in other layers). Each factory returns a fresh
// object; tests mutate a copy to make it invalid. Not part of the public surface in index.ts.
import type { AllowanceBucket } from './allowance-bucket.ts';
import type { ClaimCreationPolicy } from './claim-creation-policy.ts';
import type { Condition } from './conditions.ts';
import type { GrantCreationPolicy } from './grant-creation-policy.ts';
import { API_VERSION, type ObjectMeta, type QuotaObject } from './meta.ts';
import type { ResourceClaim } from './resource-claim.ts';
import type { ResourceGrant } from './resource-grant.ts';
import type { ResourceRegistration } from './resource-registration.ts';

export const ORG = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' };
export const PROJECTS = 'resourcemanager.miloapis.com/projects';

/** An object of a quota kind as a user writes it: no status. */
function quotaObject<K extends string, Spec>(
  kind: K,
  metadata: ObjectMeta,
  spec: Spec,
): QuotaObject<K, Spec, never> {
  return { apiVersion: API_VERSION, kind, metadata, spec };
}

export function activeCondition(): Condition {
  return {
    type: 'Active',
    status: 'True',
    reason: 'RegistrationActive',
    message: 'ok',
    lastTransitionTime: '2024-01-01T00:00:00Z',
  };
}

export function makeRegistration(
  name = 'projects',
  resourceType = PROJECTS,
  active = true,
): ResourceRegistration {
  const registration: ResourceRegistration = quotaObject(
    'ResourceRegistration',
    { name, creationTimestamp: '2024-01-01T00:00:00Z' },
    {
      consumerType: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization' },
      type: 'Entity',
      resourceType,
      baseUnit: 'project',
      displayUnit: 'projects',
      unitConversionFactor: 1,
      claimingResources: [{ apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' }],
    },
  );
  return active ? { ...registration, status: { conditions: [activeCondition()] } } : registration;
}

export function makeGrant(amount = 10, resourceType = PROJECTS): ResourceGrant {
  return quotaObject(
    'ResourceGrant',
    { name: 'acme-grant', namespace: 'quota-system' },
    { consumerRef: { ...ORG }, allowances: [{ resourceType, buckets: [{ amount }] }] },
  );
}

export function makeBucket(): AllowanceBucket {
  return quotaObject(
    'AllowanceBucket',
    { name: 'bucket-abc', namespace: 'quota-system' },
    { consumerRef: { ...ORG }, resourceType: PROJECTS },
  );
}

export function makeClaim(
  requests: { resourceType: string; amount: number }[] = [{ resourceType: PROJECTS, amount: 1 }],
): ResourceClaim {
  return quotaObject(
    'ResourceClaim',
    { name: 'claim-1', namespace: 'quota-system' },
    {
      consumerRef: { ...ORG },
      requests,
      resourceRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'web' },
    },
  );
}

export function makeGrantPolicy(): GrantCreationPolicy {
  return quotaObject(
    'GrantCreationPolicy',
    { name: 'standard-tier' },
    {
      trigger: {
        resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Organization' },
        constraints: [{ expression: 'trigger.spec.type == "Standard"' }],
      },
      target: {
        resourceGrantTemplate: {
          metadata: { name: 'standard-{{trigger.metadata.name}}', namespace: 'quota-system' },
          spec: {
            consumerRef: { ...ORG, name: '{{trigger.metadata.name}}' },
            allowances: [{ resourceType: PROJECTS, buckets: [{ amount: 10 }] }],
          },
        },
      },
    },
  );
}

export function makeClaimPolicy(): ClaimCreationPolicy {
  return quotaObject(
    'ClaimCreationPolicy',
    { name: 'projects' },
    {
      trigger: { resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Project' } },
      target: {
        resourceClaimTemplate: {
          metadata: { name: 'project-{{trigger.metadata.name}}', namespace: 'quota-system' },
          spec: {
            consumerRef: { ...ORG, name: '{{trigger.spec.ownerRef.name}}' },
            requests: [{ resourceType: PROJECTS, amount: 1 }],
          },
        },
      },
    },
  );
}

/** A GrantCreationPolicy parentContext: the Project `nameExpression` names, of `apiGroup`. */
export const projectParentContext = (
  nameExpression = 'trigger.metadata.name',
  apiGroup = 'resourcemanager.miloapis.com',
) => ({ apiGroup, kind: 'Project', nameExpression });

/** A deep copy, so a test can break one field without touching the shared example. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

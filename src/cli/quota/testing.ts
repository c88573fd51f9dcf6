// Demo state for the CLI's unit tests: buckets and claims as the operator would leave them.
import type { AllowanceBucket, ConsumerRef, ResourceClaim, ResourceRegistration } from '../../api/index.ts';

export const ACME: ConsumerRef = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  name: 'acme',
};
export const BETA: ConsumerRef = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  name: 'beta',
};

export function bucket(
  consumerRef: ConsumerRef,
  resourceType: string,
  figures?: { limit: number; allocated: number; claims?: number },
): AllowanceBucket {
  const name = `bucket-${consumerRef.name}-${resourceType.replace(/[^a-z0-9]/g, '-')}`;
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'AllowanceBucket',
    metadata: { name, namespace: 'quota-system' },
    spec: { consumerRef, resourceType },
    ...(figures === undefined
      ? {}
      : {
          status: {
            limit: figures.limit,
            allocated: figures.allocated,
            available: Math.max(0, figures.limit - figures.allocated),
            claimCount: figures.claims ?? 1,
            grantCount: 1,
          },
        }),
  };
}

/** Acme: projects at 60 %, vcpus at 85 % (warning), memory over-committed; beta: no limit yet, one unreconciled. */
export const DEMO_BUCKETS: readonly AllowanceBucket[] = [
  bucket(ACME, 'compute.example.com/vcpus', { limit: 100, allocated: 85, claims: 12 }),
  bucket(BETA, 'resourcemanager.miloapis.com/projects', { limit: 0, allocated: 0, claims: 0 }),
  bucket(ACME, 'resourcemanager.miloapis.com/projects', { limit: 10, allocated: 6, claims: 6 }),
  bucket(ACME, 'compute.example.com/memory-bytes', { limit: 4, allocated: 5, claims: 2 }),
  bucket(BETA, 'compute.example.com/vcpus'),
];

/** A claim for 8 vCPUs and 1 instance, denied because only 3 vCPUs were left. */
export const DENIED_CLAIM: ResourceClaim = {
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'ResourceClaim',
  metadata: {
    name: 'instance-web-1',
    namespace: 'team-a',
    creationTimestamp: '2025-01-01T00:00:00Z',
    ownerReferences: [{ apiVersion: 'compute.example.com/v1', kind: 'Instance', name: 'web-1', uid: 'u-1' }],
  },
  spec: {
    consumerRef: ACME,
    requests: [
      { resourceType: 'compute.example.com/vcpus', amount: 8 },
      { resourceType: 'compute.example.com/instances', amount: 1 },
    ],
    resourceRef: { apiGroup: 'compute.example.com', kind: 'Instance', name: 'web-1', namespace: 'team-a' },
  },
  status: {
    allocations: [
      {
        resourceType: 'compute.example.com/vcpus',
        status: 'Denied',
        reason: 'QuotaExceeded',
        message: 'Resource quota exceeded: requested 8, available 3',
        lastTransitionTime: '2025-01-01T00:00:01Z',
      },
      {
        resourceType: 'compute.example.com/instances',
        status: 'Denied',
        reason: 'QuotaExceeded',
        message: 'Not reserved: the claim is granted all together or not at all',
        lastTransitionTime: '2025-01-01T00:00:01Z',
      },
    ],
    conditions: [
      {
        type: 'Granted',
        status: 'False',
        reason: 'QuotaExceeded',
        message:
          'Insufficient quota resources. Contact your account administrator to review quota limits and usage.',
        lastTransitionTime: '1970-01-01T00:00:00Z',
      },
    ],
  },
};

/** A registration of `resourceType` (type Feature when `units` is 'feature'). */
export function registration(
  resourceType: string,
  units: { baseUnit: string; displayUnit: string; unitConversionFactor: number } | 'feature',
): ResourceRegistration {
  const feature = units === 'feature';
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceRegistration',
    metadata: { name: resourceType.replace(/[^a-z0-9]/g, '-') },
    spec: {
      consumerType: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization' },
      type: feature ? 'Feature' : 'Allocation',
      resourceType,
      ...(feature ? { baseUnit: 'feature', displayUnit: 'feature', unitConversionFactor: 1 } : units),
      claimingResources: [],
    },
  };
}

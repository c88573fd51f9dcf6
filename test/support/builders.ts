// Fluent builders for quota objects in tests (kueue's MakeWorkload): makeClaim('c1', 'ns').request('cpus', 2).
import {
  API_VERSION,
  type ConsumerRef,
  type ResourceClaim,
  type ResourceGrant,
  type ResourceRegistration,
} from '../../src/api/index.ts';
import { bucketName, formatConsumerKey } from '../../src/quota/index.ts';

export const ORG_GROUP = 'resourcemanager.miloapis.com';
export const org = (name: string): ConsumerRef => ({ apiGroup: ORG_GROUP, kind: 'Organization', name });
/** A Project as the object a claim pays for (admission requires one; makeRegistration lets Projects claim). */
export const project = (name: string) => ({ apiGroup: ORG_GROUP, kind: 'Project', name });

export function makeRegistration(
  name: string,
  resourceType: string,
  consumerType = { apiGroup: ORG_GROUP, kind: 'Organization' },
  claimingResources = [{ apiGroup: ORG_GROUP, kind: 'Project' }],
) {
  const reg: ResourceRegistration = {
    apiVersion: API_VERSION,
    kind: 'ResourceRegistration',
    metadata: { name },
    spec: {
      resourceType,
      consumerType,
      claimingResources,
      type: 'Entity',
      baseUnit: 'count',
      displayUnit: 'count',
      unitConversionFactor: 1,
    },
  };
  return reg;
}

export function makeGrant(name: string, namespace: string, consumer: ConsumerRef) {
  const grant: ResourceGrant = {
    apiVersion: API_VERSION,
    kind: 'ResourceGrant',
    metadata: { name, namespace },
    spec: { consumerRef: consumer, allowances: [] },
  };
  const builder = {
    allow(resourceType: string, amount: number) {
      grant.spec.allowances.push({ resourceType, buckets: [{ amount }] });
      return builder;
    },
    build: () => grant,
  };
  return builder;
}

export function makeClaim(name: string, namespace: string, consumer: ConsumerRef) {
  const claim: ResourceClaim = {
    apiVersion: API_VERSION,
    kind: 'ResourceClaim',
    metadata: { name, namespace },
    spec: { consumerRef: consumer, requests: [] },
  };
  const builder = {
    request(resourceType: string, amount: number) {
      claim.spec.requests.push({ resourceType, amount });
      return builder;
    },
    for(resourceRef: { apiGroup?: string; kind: string; name: string }) {
      claim.spec.resourceRef = resourceRef;
      return builder;
    },
    build: () => claim,
  };
  return builder;
}

/** The name of `consumer`'s AllowanceBucket for `resourceType` (the operator's naming, src/quota). */
export const bucketNameFor = (consumer: ConsumerRef, resourceType: string): string =>
  bucketName(formatConsumerKey(consumer), resourceType);

// Helpers for the client and CLI integration tests. The operator is not running in these tests, so the
// tests play its part: they write claim and bucket status through the /status subresource as the admin,
// with the same reasons and messages the operator writes. Everything goes to a real apiserver.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  type Allocation,
  type AllowanceBucketStatus,
  API_VERSION,
  type ConsumerRef,
  claimGrantedMessage,
  GROUP,
  MESSAGES,
  PLURALS,
  type ResourceClaim,
  type ResourceClaimStatus,
  VERSION,
} from '../../../src/api/index.ts';
import type { ControlPlane } from '../../../src/envtest/index.ts';
import { quotaExceededMessage } from '../../../src/quota/index.ts';

export const CRD_DIR = fileURLToPath(new URL('../../../config/crd/bases', import.meta.url));
const QUOTA_CRDS = Object.values(PLURALS).map((plural) => `crd/${plural}.${GROUP}`);

/** Applies the generated CRDs and waits until every one is Established. */
export async function installCrds(plane: ControlPlane): Promise<void> {
  const applied = await plane.kubectl(['apply', '-f', CRD_DIR]);
  assert.equal(applied.code, 0, applied.stderr);
  const ready = await plane.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...QUOTA_CRDS]);
  assert.equal(ready.code, 0, ready.stderr);
}

export async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
}

/** A ConfigMap to stand in for a service's object (any real object with a uid can own a claim). */
export async function createOwner(kc: KubeConfig, namespace: string, name: string) {
  const owner = await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedConfigMap({ namespace, body: { metadata: { name }, data: { vcpus: '4' } } });
  const uid = owner.metadata?.uid;
  assert.ok(uid);
  return { apiVersion: 'v1', kind: 'ConfigMap', name, namespace, uid };
}

export const ORG: ConsumerRef = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  name: 'acme',
};
const T = '2025-01-01T00:00:00Z';

function customObjects(kc: KubeConfig): CustomObjectsApi {
  return kc.makeApiClient(CustomObjectsApi);
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** Writes a claim's status as the operator would (merge patch on /status). */
export async function writeClaimStatus(
  kc: KubeConfig,
  ref: { namespace: string; name: string },
  status: ResourceClaimStatus,
): Promise<void> {
  const plural = PLURALS.ResourceClaim;
  const param = { group: GROUP, version: VERSION, plural, ...ref, body: { status } };
  await customObjects(kc).patchNamespacedCustomObjectStatus(param, mergePatch);
}

const condition = (status: 'True' | 'False', reason: string, message: string) => ({
  type: 'Granted',
  status,
  reason,
  message,
  lastTransitionTime: T,
});

export function grantedStatus(claim: ResourceClaim): ResourceClaimStatus {
  const allocations: Allocation[] = claim.spec.requests.map((r) => ({
    resourceType: r.resourceType,
    status: 'Granted',
    reason: 'QuotaAvailable',
    message: MESSAGES.allocationGranted,
    allocatedAmount: r.amount,
    lastTransitionTime: T,
  }));
  return {
    allocations,
    conditions: [condition('True', 'QuotaAvailable', claimGrantedMessage(allocations.length))],
  };
}

/** Denied: the first request does not fit (`available` left), the others are denied with it. */
export function deniedStatus(claim: ResourceClaim, available: number): ResourceClaimStatus {
  const allocations: Allocation[] = claim.spec.requests.map((r, i) => ({
    resourceType: r.resourceType,
    status: 'Denied',
    reason: 'QuotaExceeded',
    message: i === 0 ? quotaExceededMessage(r.amount, available) : 'Not reserved: denied with the claim',
    lastTransitionTime: T,
  }));
  return { allocations, conditions: [condition('False', 'QuotaExceeded', MESSAGES.claimExceeded)] };
}

export function pendingStatus(message: string): ResourceClaimStatus {
  return { conditions: [condition('False', 'PendingEvaluation', message)] };
}

export interface BucketInput {
  readonly namespace: string;
  readonly name: string;
  readonly consumerRef: ConsumerRef;
  readonly resourceType: string;
  readonly limit: number;
  readonly allocated: number;
  readonly claimCount?: number;
}

/** Creates an AllowanceBucket and writes its figures as the operator would. */
export async function createBucket(kc: KubeConfig, input: BucketInput): Promise<void> {
  const { namespace, name, consumerRef, resourceType, limit, allocated } = input;
  const plural = PLURALS.AllowanceBucket;
  const body = {
    apiVersion: API_VERSION,
    kind: 'AllowanceBucket',
    metadata: { name },
    spec: { consumerRef, resourceType },
  };
  await customObjects(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    plural,
    namespace,
    body,
  });
  const status: AllowanceBucketStatus = {
    limit,
    allocated,
    available: Math.max(0, limit - allocated),
    ...(allocated > limit ? { overcommitted: allocated - limit } : {}),
    claimCount: input.claimCount ?? 1,
    grantCount: 1,
  };
  const param = { group: GROUP, version: VERSION, plural, namespace, name, body: { status } };
  await customObjects(kc).patchNamespacedCustomObjectStatus(param, mergePatch);
}

// ensureClaim and releaseClaim against a real apiserver, with kube-controller-manager for garbage collection.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURALS, VERSION } from '../../../src/api/index.ts';
import {
  ANNOTATION_OWNER_UID,
  ClaimConflictError,
  ClaimOwnerMismatchError,
  ensureClaim,
  InvalidClaimError,
  releaseClaim,
} from '../../../src/client/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { createNamespace, createOwner, installCrds, ORG } from './fixtures.ts';

const plane = useControlPlane();
const NS = 'service';
const kc = () => plane.current.kubeConfig;
const VCPUS = [{ resourceType: 'example.com/vcpus', amount: 4 }];

async function claimExists(namespace: string, name: string): Promise<boolean> {
  const api = kc().makeApiClient(CustomObjectsApi);
  const plural = PLURALS.ResourceClaim;
  try {
    await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, plural, namespace, name });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

describe('ensureClaim', () => {
  before(async () => {
    await installCrds(plane.current);
    await createNamespace(kc(), NS);
    await createNamespace(kc(), 'quota-system');
  });

  it('creates the claim once and returns the same claim on every later call', async () => {
    const owner = await createOwner(kc(), NS, 'web-1');
    const options = { owner, namespace: NS, consumerRef: ORG, requests: VCPUS, labels: { app: 'web' } };
    const first = await ensureClaim(kc(), options);
    const second = await ensureClaim(kc(), options);
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.claim.metadata.uid, first.claim.metadata.uid);
    assert.equal(second.claim.metadata.resourceVersion, first.claim.metadata.resourceVersion, 'no write');
    const { metadata, spec, status } = first.claim;
    assert.equal(metadata.name, 'configmap-web-1');
    assert.deepEqual(metadata.ownerReferences, [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'web-1', uid: owner.uid, controller: false },
    ]);
    assert.deepEqual(metadata.labels, { app: 'web' });
    assert.deepEqual(spec.resourceRef, { kind: 'ConfigMap', name: 'web-1', namespace: NS });
    assert.equal(status?.conditions?.[0]?.reason, 'PendingEvaluation', 'the CRD default status');
  });

  it('lets the garbage collector delete the claim with its owner', async () => {
    const owner = await createOwner(kc(), NS, 'short-lived');
    const { claim } = await ensureClaim(kc(), { owner, namespace: NS, consumerRef: ORG, requests: VCPUS });
    await kc().makeApiClient(CoreV1Api).deleteNamespacedConfigMap({ namespace: NS, name: 'short-lived' });
    // The garbage collector discovers new CRD kinds on its 30 s resync, hence the long bound.
    await eventually(
      'the claim to be garbage-collected',
      async () => !(await claimExists(NS, claim.metadata.name ?? '')),
      90_000,
    );
  });

  it('puts no ownerReference on a claim in another namespace, and names it uniquely', async () => {
    const owner = await createOwner(kc(), NS, 'elsewhere');
    const { claim } = await ensureClaim(kc(), {
      owner,
      namespace: 'quota-system',
      consumerRef: ORG,
      requests: VCPUS,
    });
    assert.equal(claim.metadata.ownerReferences, undefined);
    assert.match(claim.metadata.name ?? '', /^configmap-service-elsewhere-[0-9a-f]{10}$/);
    assert.equal(claim.metadata.annotations?.[ANNOTATION_OWNER_UID], owner.uid);
  });

  it('refuses to reuse a claim whose spec differs, naming the field', async () => {
    const owner = await createOwner(kc(), NS, 'resized');
    await ensureClaim(kc(), { owner, namespace: NS, consumerRef: ORG, requests: VCPUS });
    const bigger = [{ resourceType: 'example.com/vcpus', amount: 8 }];
    await assert.rejects(
      ensureClaim(kc(), { owner, namespace: NS, consumerRef: ORG, requests: bigger }),
      (e) =>
        e instanceof ClaimConflictError &&
        e.field === 'spec.requests[example.com/vcpus].amount' &&
        /existing 4, wanted 8\): a claim spec is immutable: release the claim/.test(e.message),
    );
  });

  it('refuses a claim left by an earlier owner of the same name', async () => {
    const first = await createOwner(kc(), NS, 'reborn');
    await ensureClaim(kc(), { owner: first, namespace: 'quota-system', consumerRef: ORG, requests: VCPUS });
    const second = { ...first, uid: 'a-new-uid' };
    await assert.rejects(
      ensureClaim(kc(), { owner: second, namespace: 'quota-system', consumerRef: ORG, requests: VCPUS }),
      (e) =>
        e instanceof ClaimOwnerMismatchError && e.message.includes(`uid ${first.uid}; this one is a-new-uid`),
    );
  });

  it('adopts a claim created by hand for the same owner: adds the labels and the ownerReference', async () => {
    const owner = await createOwner(kc(), NS, 'by-hand');
    const manual = {
      apiVersion: 'quota.miloapis.com/v1alpha1',
      kind: 'ResourceClaim',
      metadata: { name: 'configmap-by-hand', namespace: NS },
      spec: {
        consumerRef: ORG,
        requests: VCPUS,
        resourceRef: { kind: 'ConfigMap', name: 'by-hand', namespace: NS },
      },
    };
    const applied = await plane.current.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manual) });
    assert.equal(applied.code, 0, applied.stderr);
    const { claim, created } = await ensureClaim(kc(), {
      owner,
      namespace: NS,
      consumerRef: ORG,
      requests: VCPUS,
      labels: { app: 'x' },
    });
    assert.equal(created, false);
    assert.equal(claim.metadata.labels?.app, 'x');
    assert.equal(claim.metadata.ownerReferences?.[0]?.uid, owner.uid);
  });

  it('rejects bad options before any API call', async () => {
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' };
    await assert.rejects(
      ensureClaim(kc(), {
        owner,
        namespace: NS,
        consumerRef: ORG,
        requests: [{ resourceType: 'a', amount: 0 }],
      }),
      (e) => e instanceof InvalidClaimError && e.field === 'requests[0].amount',
    );
  });
});

describe('releaseClaim', () => {
  it('deletes the claim, and is fine when it is already gone', async () => {
    const owner = await createOwner(kc(), NS, 'released');
    const { claim } = await ensureClaim(kc(), { owner, namespace: NS, consumerRef: ORG, requests: VCPUS });
    const ref = { namespace: NS, name: claim.metadata.name ?? '' };
    assert.equal(await releaseClaim(kc(), ref), true);
    assert.equal(await claimExists(NS, ref.name), false);
    assert.equal(await releaseClaim(kc(), ref), false);
  });
});

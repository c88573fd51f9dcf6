// Each quota kind's cache keeps exactly what some reader uses: a tenant's 250 KB annotation is gone, and every
// function that reads cached objects answers the same on the slim copy as on the full one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANNOTATION_OWNER_UID,
  ANNOTATION_TRACEPARENT,
  LABEL_AUTO_CREATED,
  LABEL_POLICY,
  LABEL_RESOURCE_UID,
  LABEL_TRIGGER_UID,
  type ResourceClaim,
  type ResourceGrant,
} from '../api/index.ts';
import {
  clone,
  makeBucket,
  makeClaim,
  makeClaimPolicy,
  makeGrant,
  makeGrantPolicy,
  makeRegistration,
} from '../api/testing.ts';
import { mergeGrant, policyOf } from '../controllers/policy/plan.ts';
import { IDENTITY_VIEW, type KubeObject } from '../runtime/index.ts';
import { recordedUid } from './claims.ts';
import { claimConsumer, claimResourceRef, grantConsumer, grantResourceTypes } from './indexes.ts';
import {
  CLAIM_LABELS,
  MAX_KEPT_ANNOTATION,
  quotaView,
  slimBucket,
  slimClaim,
  slimGrant,
  slimToSpecAndStatus,
} from './slim.ts';
import { claimInput, grantInput } from './snapshot.ts';

const HUGE = 'x'.repeat(250 * 1024);
const IDENTITY = {
  name: 'c1',
  namespace: 'tenant',
  uid: 'uid-1',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2026-01-01T00:00:00Z',
  deletionTimestamp: '2026-01-02T00:00:00Z',
};

/** `obj` as a tenant may dress it: huge annotations and labels, finalizers, managedFields. */
function abused<T extends KubeObject>(obj: T): T {
  const copy = clone(obj) as T & { metadata: NonNullable<KubeObject['metadata']> };
  copy.metadata = {
    ...copy.metadata,
    ...IDENTITY,
    labels: { ...copy.metadata.labels, 'tenant.example.com/team': 'a' },
    annotations: {
      ...copy.metadata.annotations,
      'tenant.example.com/blob': HUGE,
      'quota.miloapis.com/junk': HUGE,
    },
    finalizers: ['tenant.example.com/hold'],
    managedFields: [{ manager: 'kubectl', fieldsV1: { blob: HUGE } }],
  };
  return copy;
}

const size = (obj: unknown) => JSON.stringify(obj).length;

describe('quota cache views', () => {
  it('claims keep identity, spec, status, the quota labels and the owner-uid and traceparent annotations only', () => {
    const claim = abused(makeClaim());
    claim.metadata.labels = {
      ...claim.metadata.labels,
      [LABEL_AUTO_CREATED]: 'true',
      [LABEL_RESOURCE_UID]: 'obj-uid',
    };
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    claim.metadata.annotations = {
      ...claim.metadata.annotations,
      [ANNOTATION_OWNER_UID]: 'owner-uid',
      [ANNOTATION_TRACEPARENT]: traceparent,
    };
    const slim = slimClaim(claim) as ResourceClaim;
    assert.deepEqual(slim.metadata, {
      ...IDENTITY,
      labels: { [LABEL_AUTO_CREATED]: 'true', [LABEL_RESOURCE_UID]: 'obj-uid' },
      annotations: { [ANNOTATION_OWNER_UID]: 'owner-uid', [ANNOTATION_TRACEPARENT]: traceparent },
    });
    assert.deepEqual(slim.spec, claim.spec);
    assert.deepEqual(slim.status, claim.status);
    assert.equal(slim.apiVersion, claim.apiVersion);
    assert.equal(slim.kind, claim.kind);
    assert.ok(size(slim) < 2_000, `a slim claim is small (${size(slim)} bytes)`);
    assert.ok([...CLAIM_LABELS].every((k) => k.startsWith('quota.miloapis.com/')));
  });

  it('claims answer every cache reader as before', () => {
    const variants: ResourceClaim[] = [];
    const base = abused(makeClaim());
    variants.push(base);
    const withRef = clone(base);
    withRef.spec.resourceRef = { apiGroup: 'example.com', kind: 'Thing', name: 't1' };
    variants.push(withRef);
    const owned = clone(withRef);
    owned.metadata.ownerReferences = [
      { apiVersion: 'other/v1', kind: 'Other', name: 'o', uid: 'o-uid' },
      { apiVersion: 'example.com/v1', kind: 'Thing', name: 't1', uid: 't1-uid' },
    ];
    variants.push(owned);
    const strangers = clone(withRef);
    strangers.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'x-uid' }];
    variants.push(strangers);
    const byAnnotation = clone(withRef);
    byAnnotation.metadata.annotations = { [ANNOTATION_OWNER_UID]: 'owner-uid' };
    variants.push(byAnnotation);
    for (const claim of variants) {
      const slim = slimClaim(claim) as ResourceClaim;
      assert.equal(recordedUid(slim), recordedUid(claim));
      assert.deepEqual(claimConsumer(slim), claimConsumer(claim));
      assert.deepEqual(claimResourceRef(slim), claimResourceRef(claim));
      assert.deepEqual(claimInput(slim), claimInput(claim));
      assert.equal(slim.metadata.labels?.[LABEL_AUTO_CREATED], claim.metadata.labels?.[LABEL_AUTO_CREATED]);
      assert.equal(
        (slim.metadata.ownerReferences ?? []).length > 0,
        (claim.metadata.ownerReferences ?? []).length > 0,
      );
    }
  });

  it('claims of one consumer share one frozen copy of what they repeat, and keep their own resourceRef', () => {
    const decided = (name: string): ResourceClaim => {
      const claim = JSON.parse(JSON.stringify(makeClaim())) as ResourceClaim;
      claim.metadata = { ...claim.metadata, name, creationTimestamp: '2026-01-01T00:00:00Z' };
      claim.status = {
        conditions: [
          {
            type: 'Granted',
            status: 'True',
            reason: 'QuotaAvailable',
            message: 'All 1 resource requests have been granted',
            lastTransitionTime: '2026-01-01T00:00:01Z',
          },
        ],
      };
      return claim;
    };
    const [a, b] = [decided('a'), decided('b')].map((c) => slimClaim(c) as ResourceClaim) as [
      ResourceClaim,
      ResourceClaim,
    ];
    assert.deepEqual(a, slimClaim(decided('a')), 'the copy is equal to what it replaces');
    assert.equal(a.spec.consumerRef, b.spec.consumerRef);
    assert.equal(a.spec.requests, b.spec.requests);
    assert.equal(a.status?.conditions, b.status?.conditions);
    assert.notEqual(a.spec.resourceRef, b.spec.resourceRef);
    assert.ok(Object.isFrozen(a.status?.conditions?.[0]));
    assert.throws(() => {
      a.spec.requests.push({ resourceType: 'x', amount: 1 });
    }, TypeError);
  });

  it('claims keep an oversized owner-uid only in part (it matches no object either way)', () => {
    const claim = makeClaim();
    claim.metadata.annotations = { [ANNOTATION_OWNER_UID]: HUGE };
    const slim = slimClaim(claim) as ResourceClaim;
    assert.equal(slim.metadata.annotations?.[ANNOTATION_OWNER_UID]?.length, MAX_KEPT_ANNOTATION);
  });

  it('policy-made grants keep all but managedFields: the engine PUTs the cached metadata', () => {
    const grant = abused(makeGrant());
    grant.metadata.labels = { ...grant.metadata.labels, [LABEL_POLICY]: 'p', [LABEL_TRIGGER_UID]: 't' };
    grant.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', controller: true }];
    const slim = slimGrant(grant) as ResourceGrant;
    const { managedFields: _, ...rest } = (grant as KubeObject).metadata ?? {};
    assert.deepEqual(slim.metadata, rest);
    assert.deepEqual(slim.spec, grant.spec);
    // What the engine would render for it is what it holds: no write.
    const desired = clone(slim);
    assert.equal(mergeGrant(slim, desired), undefined);
    assert.equal(policyOf(slim), 'p');
  });

  it('other grants lose their annotations and foreign labels, keep finalizers and owner references', () => {
    const grant = abused(makeGrant());
    grant.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }];
    const slim = slimGrant(grant) as ResourceGrant;
    assert.deepEqual(slim.metadata.labels, {});
    assert.equal(slim.metadata.annotations, undefined);
    assert.deepEqual(slim.metadata.finalizers, grant.metadata.finalizers);
    assert.deepEqual(slim.metadata.ownerReferences, grant.metadata.ownerReferences);
    assert.deepEqual(grantConsumer(slim), grantConsumer(grant));
    assert.deepEqual(grantResourceTypes(slim), grantResourceTypes(grant));
    assert.deepEqual(grantInput(slim), grantInput(grant));
    assert.ok(size(slim) < 2_000);
  });

  it('buckets keep their labels, registrations and policies neither labels nor annotations', () => {
    const bucket = abused(makeBucket());
    const slimB = slimBucket(bucket);
    assert.deepEqual(slimB.metadata, { ...IDENTITY, labels: bucket.metadata.labels });
    assert.deepEqual(slimB.status, bucket.status);
    for (const obj of [makeRegistration(), makeGrantPolicy(), makeClaimPolicy()].map(abused)) {
      const slim = slimToSpecAndStatus(obj);
      assert.deepEqual(slim.metadata, IDENTITY);
      assert.deepEqual(slim.spec, obj.spec);
      assert.equal(slim.kind, obj.kind);
    }
  });

  it('every quota kind has a view, all sharing one informer name per kind', () => {
    for (const kind of [
      'ResourceClaim',
      'ResourceGrant',
      'AllowanceBucket',
      'ResourceRegistration',
      'GrantCreationPolicy',
      'ClaimCreationPolicy',
    ] as const) {
      const view = quotaView(kind);
      assert.equal(view.name, 'quota');
      assert.ok(size(view.transform(abused(makeClaim()))) < 3_000, kind);
    }
  });

  it('the identity view keeps apiVersion, kind and identity metadata only', () => {
    const owner = abused({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: {}, spec: { big: HUGE } });
    assert.deepEqual(IDENTITY_VIEW.transform(owner), {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: IDENTITY,
    });
    assert.equal(IDENTITY_VIEW.metadataOnly, true);
  });
});

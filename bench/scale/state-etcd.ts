// The scale state written straight into etcd (see etcd.ts): every object is built here with the metadata
// the apiserver would have given it (uid, creationTimestamp, generation 1) and the status the operator's own
// pure functions compute for it, then stored in transactions. Registrations go through the API first.
import { randomUUID } from 'node:crypto';
import {
  ALLOWANCE_BUCKET,
  API_VERSION,
  GROUP,
  LABEL_CONSUMER_KIND,
  LABEL_CONSUMER_NAME,
  type ResourceClaim,
  type ResourceGrant,
  type ResourceRegistration,
  registrationLookup,
  setCondition,
  toRFC3339,
} from '../../src/api/index.ts';
import { claimInput, grantInput, registrationInputs } from '../../src/cache/snapshot.ts';
import { grantCondition } from '../../src/controllers/core/grant-controller.ts';
import { nextBucketStatus, nextClaimStatus } from '../../src/controllers/quota/status.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { bucketName, decide, formatConsumerKey } from '../../src/quota/index.ts';
import { makeClaim, makeGrant, ORG_GROUP, org } from '../../test/support/builders.ts';
import { QUOTA_NAMESPACE } from '../lib/bench.ts';
import { etcdUrl, putAll, type StoredObject } from './etcd.ts';
import { claimNamespace, type StateShape, typeName } from './state.ts';

function stamped<T extends { metadata: object }>(obj: T, created: string): T {
  return {
    ...obj,
    metadata: { ...obj.metadata, uid: randomUUID(), creationTimestamp: created, generation: 1 },
  };
}

function consumerObjects(
  shape: StateShape,
  registrations: readonly ResourceRegistration[],
  index: number,
  now: Date,
): StoredObject[] {
  const created = toRFC3339(now);
  const consumer = org(`org-${index}`);
  const builder = makeGrant(`grant-org-${index}`, QUOTA_NAMESPACE, consumer);
  for (let t = 0; t < shape.resourceTypes; t++) builder.allow(typeName(t), 100);
  const bare = stamped(builder.build(), created);
  const grant: ResourceGrant = {
    ...bare,
    status: {
      observedGeneration: 1,
      conditions: setCondition(undefined, grantCondition(bare, registrationLookup(registrations)), now),
    },
  };
  const namespace = claimNamespace(index % shape.claimNamespaces);
  const claims: ResourceClaim[] = Array.from({ length: shape.claimsPerConsumer }, (_, j) =>
    stamped(
      makeClaim(`org-${index}-${j}`, namespace, consumer)
        .request(typeName(j % shape.resourceTypes), 1)
        .build(),
      created,
    ),
  );
  const consumerKey = formatConsumerKey(consumer);
  const round = decide({
    consumerKey,
    registrations: registrationInputs(registrations),
    grants: [grantInput(grant)],
    claims: claims.map(claimInput),
    now: now.getTime(),
  });
  const decisions = new Map(round.decisions.map((d) => [d.claim.name, d]));
  const out: StoredObject[] = [
    { plural: 'resourcegrants', namespace: QUOTA_NAMESPACE, name: grant.metadata.name ?? '', object: grant },
  ];
  for (const claim of claims) {
    const status = nextClaimStatus(claim, decisions.get(claim.metadata.name ?? ''), now);
    out.push({
      plural: 'resourceclaims',
      namespace,
      name: claim.metadata.name ?? '',
      object: { ...claim, ...(status ? { status } : {}) },
    });
  }
  for (const figures of round.figures.values()) {
    const name = bucketName(consumerKey, figures.resourceType);
    const bucket = stamped(
      {
        apiVersion: API_VERSION,
        kind: ALLOWANCE_BUCKET,
        metadata: {
          name,
          namespace: QUOTA_NAMESPACE,
          labels: { [LABEL_CONSUMER_KIND]: 'Organization', [LABEL_CONSUMER_NAME]: consumer.name },
        },
        spec: {
          consumerRef: { apiGroup: ORG_GROUP, kind: 'Organization', name: consumer.name },
          resourceType: figures.resourceType,
        },
      },
      created,
    );
    out.push({
      plural: 'allowancebuckets',
      namespace: QUOTA_NAMESPACE,
      name,
      object: { ...bucket, status: nextBucketStatus(undefined, figures, 1, now) },
    });
  }
  return out;
}

/** Builds every consumer's objects and stores them; returns how many objects were written. */
export async function preloadState(
  plane: ControlPlane,
  shape: StateShape,
  registrations: readonly ResourceRegistration[],
  progress: (done: number) => void,
): Promise<number> {
  const url = etcdUrl(plane);
  const now = new Date();
  let written = 0;
  const chunk = 1000;
  for (let first = 0; first < shape.consumers; first += chunk) {
    const objects: StoredObject[] = [];
    for (let i = first; i < Math.min(first + chunk, shape.consumers); i++)
      objects.push(...consumerObjects(shape, registrations, i, now));
    await putAll(url, GROUP, objects);
    written += objects.length;
    progress(Math.min(first + chunk, shape.consumers));
  }
  return written;
}

// Builds the scale benchmark's state through the API, as the operator itself would have left it: for each
// consumer, a grant (3 allowances) marked Active, 10 claims created and then given the statuses the decision
// engine computes for them (Granted), and the 3 buckets with the figures the engine derives. The statuses
// come from the operator's own pure functions (decide, nextClaimStatus, nextBucketStatus, the conditions of
// the registration and grant controllers), so the operator, reading all of it at start, should find nothing
// to change; the benchmark counts its writes to check that.
import {
  ALLOWANCE_BUCKET,
  type AllowanceBucket,
  API_VERSION,
  LABEL_CONSUMER_KIND,
  LABEL_CONSUMER_NAME,
  type ResourceClaim,
  type ResourceGrant,
  type ResourceRegistration,
  registrationLookup,
  setCondition,
} from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { claimInput, grantInput, registrationInputs } from '../../src/cache/snapshot.ts';
import { grantCondition } from '../../src/controllers/core/grant-controller.ts';
import { registrationCondition } from '../../src/controllers/core/registration-controller.ts';
import { nextBucketStatus, nextClaimStatus } from '../../src/controllers/quota/status.ts';
import { bucketName, decide, formatConsumerKey } from '../../src/quota/index.ts';
import type { KubeClient } from '../../src/runtime/index.ts';
import { makeClaim, makeGrant, makeRegistration, ORG_GROUP, org } from '../../test/support/builders.ts';
import { QUOTA_NAMESPACE } from '../lib/bench.ts';
import { burst } from '../lib/pool.ts';

export interface StateShape {
  readonly consumers: number;
  readonly resourceTypes: number;
  readonly claimsPerConsumer: number;
  readonly claimNamespaces: number;
}

export const claimNamespace = (i: number) => `claims-${i}`;
export const typeName = (t: number) => `scale.example.com/resource-${t}`;

async function status<T extends { metadata: { namespace?: string; name?: string } }>(
  client: KubeClient,
  ref: (typeof RESOURCES)[keyof typeof RESOURCES],
  obj: T,
  body: object,
): Promise<void> {
  await client.patch(
    ref,
    obj.metadata.namespace ?? '',
    obj.metadata.name ?? '',
    'merge',
    { status: body },
    {
      subresource: 'status',
    },
  );
}

export async function createRegistrations(
  client: KubeClient,
  shape: StateShape,
): Promise<ResourceRegistration[]> {
  const created: ResourceRegistration[] = [];
  for (let t = 0; t < shape.resourceTypes; t++) {
    created.push(await client.create(RESOURCES.registrations, makeRegistration(`scale-${t}`, typeName(t))));
  }
  const now = new Date();
  return Promise.all(
    created.map(async (reg) => {
      const next = {
        conditions: setCondition(undefined, registrationCondition(reg, created), now),
        observedGeneration: reg.metadata.generation ?? 1,
      };
      await status(client, RESOURCES.registrations, reg, next);
      return { ...reg, status: next };
    }),
  );
}

async function buildConsumer(
  client: KubeClient,
  shape: StateShape,
  registrations: readonly ResourceRegistration[],
  index: number,
): Promise<void> {
  const now = new Date();
  const consumer = org(`org-${index}`);
  const grantBuilder = makeGrant(`grant-org-${index}`, QUOTA_NAMESPACE, consumer);
  for (let t = 0; t < shape.resourceTypes; t++) grantBuilder.allow(typeName(t), 100);
  const created = await client.create<ResourceGrant>(RESOURCES.grants, grantBuilder.build());
  const grantStatus = {
    observedGeneration: created.metadata.generation ?? 1,
    conditions: setCondition(undefined, grantCondition(created, registrationLookup(registrations)), now),
  };
  await status(client, RESOURCES.grants, created, grantStatus);
  const grant: ResourceGrant = { ...created, status: grantStatus };
  const namespace = claimNamespace(index % shape.claimNamespaces);
  const claims = await Promise.all(
    Array.from({ length: shape.claimsPerConsumer }, (_, j) =>
      client.create<ResourceClaim>(
        RESOURCES.claims,
        makeClaim(`org-${index}-${j}`, namespace, consumer)
          .request(typeName(j % shape.resourceTypes), 1)
          .build(),
      ),
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
  const decisions = new Map(round.decisions.map((d) => [`${d.claim.namespace}/${d.claim.name}`, d]));
  await Promise.all(
    claims.map(async (claim) => {
      const next = nextClaimStatus(claim, decisions.get(`${namespace}/${claim.metadata.name}`), now);
      if (next) await status(client, RESOURCES.claims, claim, next);
    }),
  );
  await Promise.all(
    [...round.figures.values()].map(async (figures) => {
      const bucket: AllowanceBucket = {
        apiVersion: API_VERSION,
        kind: ALLOWANCE_BUCKET,
        metadata: {
          name: bucketName(consumerKey, figures.resourceType),
          namespace: QUOTA_NAMESPACE,
          labels: { [LABEL_CONSUMER_KIND]: 'Organization', [LABEL_CONSUMER_NAME]: consumer.name },
        },
        spec: {
          consumerRef: { apiGroup: ORG_GROUP, kind: 'Organization', name: consumer.name },
          resourceType: figures.resourceType,
        },
      };
      const made = await client.create<AllowanceBucket>(RESOURCES.buckets, bucket);
      const next = nextBucketStatus(undefined, figures, made.metadata.generation ?? 0, now);
      if (next) await status(client, RESOURCES.buckets, made, next);
    }),
  );
}

/** Builds the whole state; `progress(done)` is called every 1,000 consumers. Returns the request count. */
export async function buildState(
  client: KubeClient,
  shape: StateShape,
  concurrency: number,
  progress: (consumersDone: number) => void,
): Promise<number> {
  const registrations = await createRegistrations(client, shape);
  let done = 0;
  await burst(shape.consumers, concurrency, async (i) => {
    await buildConsumer(client, shape, registrations, i);
    done += 1;
    if (done % 1000 === 0) progress(done);
  });
  const perConsumer = 2 + 2 * shape.claimsPerConsumer + 2 * shape.resourceTypes;
  return 2 * shape.resourceTypes + shape.consumers * perConsumer;
}

// No over-allocation under a burst (SPEC §4.5, §11): 500 claims created concurrently on room for 250, with
// and without the operator being SIGKILLed and restarted during the burst.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket, ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { bucketName, formatConsumerKey } from '../../../src/quota/index.ts';
import { createClient, type KubeClient, kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { makeClaim, makeGrant, makeRegistration, org } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { installCrds } from '../../support/kube.ts';
import { OperatorProcess } from '../../support/operator-process.ts';

const plane = useControlPlane({ controllerManager: false });
const TYPE = 'example.com/burst';
const CLAIMS = 500;
const ROOM = 250;

async function createBurst(
  client: KubeClient,
  namespace: string,
  consumer: string,
  onProgress: (n: number) => Promise<void>,
) {
  let created = 0;
  const names = Array.from({ length: CLAIMS }, (_, i) => `claim-${i}`);
  const worker = async () => {
    for (let name = names.shift(); name !== undefined; name = names.shift()) {
      await client.create(
        RESOURCES.claims,
        makeClaim(name, namespace, org(consumer)).request(TYPE, 1).build(),
      );
      created += 1;
      await onProgress(created);
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
}

async function settle(client: KubeClient, namespace: string, consumer: string) {
  const claims = await eventually(
    'every claim decided',
    async () => {
      const list = await kubeRequest<{ items: ResourceClaim[] }>(client.kubeConfig, {
        method: 'GET',
        path: resourcePath(RESOURCES.claims, namespace),
      });
      const undecided = list.items.filter((c) => !c.status?.allocations?.length);
      return list.items.length === CLAIMS && undecided.length === 0 ? list.items : undefined;
    },
    120_000,
    500,
  );
  const grantedSum = claims
    .flatMap((c) => c.status?.allocations ?? [])
    .filter((a) => a.status === 'Granted')
    .reduce((sum, a) => sum + (a.allocatedAmount ?? 0), 0);
  const grantedClaims = claims.filter(
    (c) => c.status?.conditions?.find((x) => x.type === 'Granted')?.status === 'True',
  );
  const key = formatConsumerKey(org(consumer));
  const bucket = await eventually('bucket to match the claims', async () => {
    const b = await client.get<AllowanceBucket>(RESOURCES.buckets, 'quota-system', bucketName(key, TYPE));
    return b.status?.allocated === grantedSum ? b : undefined;
  });
  const reasons: Record<string, number> = {};
  for (const c of claims) {
    const reason = c.status?.conditions?.find((x) => x.type === 'Granted')?.reason ?? 'none';
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  // the first denial, in creation order: what a wrongful one says
  const firstDenial = claims
    .filter((c) => c.status?.conditions?.find((x) => x.type === 'Granted')?.reason === 'QuotaExceeded')
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''))[0]
    ?.status?.allocations?.[0]?.message; // with the figures the decider saw
  return { grantedClaims: grantedClaims.length, grantedSum, reasons, firstDenial, bucket: bucket.status };
}

/** Decided and still-open claims in `namespace`, as the API has them now. */
async function progress(client: KubeClient, namespace: string): Promise<{ decided: number; open: number }> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, namespace),
  });
  const decided = list.items.filter((c) => (c.status?.allocations?.length ?? 0) > 0).length;
  return { decided, open: list.items.length - decided };
}

async function prepare(namespace: string, consumer: string): Promise<KubeClient> {
  const client = createClient(plane.current.kubeConfig);
  await plane.current.kubectl(['create', 'namespace', namespace]);
  await client.create(
    RESOURCES.grants,
    makeGrant(`${consumer}-burst`, 'quota-system', org(consumer)).allow(TYPE, ROOM).build(),
  );
  return client;
}

describe('a burst of claims on one bucket', () => {
  it('sets up the API', async () => {
    await installCrds(plane.current);
    await plane.current.kubectl(['create', 'namespace', 'quota-system']);
    const client = createClient(plane.current.kubeConfig);
    await client.create(RESOURCES.registrations, makeRegistration('burst', TYPE));
  });

  it(`grants exactly ${ROOM} of ${CLAIMS} concurrent claims`, async () => {
    const client = await prepare('calm', 'calm-org');
    const operator = new OperatorProcess(plane.current);
    operator.start();
    try {
      await createBurst(client, 'calm', 'calm-org', async () => {});
      const result = await settle(client, 'calm', 'calm-org');
      console.log(
        `burst without faults: ${JSON.stringify({ ...result, bucket: undefined, allocated: result.bucket?.allocated })}`,
      );
      assert.equal(result.grantedClaims, ROOM);
      assert.equal(result.grantedSum, ROOM);
      assert.deepEqual(
        [result.bucket?.limit, result.bucket?.allocated, result.bucket?.available],
        [ROOM, ROOM, 0],
      );
    } finally {
      await operator.stop();
    }
  });

  it(`grants exactly ${ROOM} of ${CLAIMS} with the operator SIGKILLed and restarted twice mid-burst`, async () => {
    const client = await prepare('faulty', 'faulty-org');
    const operator = new OperatorProcess(plane.current);
    operator.start();
    const atKills: { decided: number; open: number }[] = [];
    // One kill at a time: the second waits for the first (two workers reach their marks concurrently).
    let killing = Promise.resolve();
    const killMidDecision = async () => {
      // Kill only while decisions are in flight: more decided than at the last kill (the operator is up and
      // deciding), and some still open. The other workers keep creating meanwhile.
      const before = atKills.at(-1)?.decided ?? 0;
      const state = await eventually(
        'the operator deciding, with claims still open',
        async () => {
          const now = await progress(client, 'faulty');
          return now.decided > before && now.open > 0 ? now : undefined;
        },
        30_000,
        20,
      );
      atKills.push(state);
      await operator.kill();
      operator.start();
    };
    try {
      await createBurst(client, 'faulty', 'faulty-org', async (created) => {
        if (created !== 150 && created !== 350) return;
        killing = killing.then(killMidDecision);
        await killing;
      });
      const result = await settle(client, 'faulty', 'faulty-org');
      console.log(
        `burst with kills at ${JSON.stringify(atKills)}: ${JSON.stringify({ ...result, bucket: undefined, allocated: result.bucket?.allocated })}`,
      );
      assert.equal(atKills.length, 2);
      for (const state of atKills)
        assert.ok(state.decided > 0 && state.open > 0, 'each kill hit decisions in flight');
      assert.equal(result.grantedClaims, ROOM);
      assert.equal(result.grantedSum, ROOM);
      assert.deepEqual(
        [result.bucket?.limit, result.bucket?.allocated, result.bucket?.available],
        [ROOM, ROOM, 0],
      );
    } finally {
      await operator.stop();
    }
  });

  // The start-up race that once denied a whole burst (granted 11 of 250): the grant controller failed the grant
  // because the registration controller had not judged the registration yet, and consumer passes between the
  // two verdicts denied every open claim with the limit at 0. Before the fix, 3 rounds of 3 denied some claims.
  it('grants claims made before the operator judged their registration, with their grant never failed first', async () => {
    const client = createClient(plane.current.kubeConfig);
    for (const round of [1, 2, 3]) {
      const [namespace, consumer] = [`unjudged-${round}`, `unjudged-${round}-org`];
      // the registration as the operator finds it when it first starts: no Active condition yet
      await client.patchStatus(RESOURCES.registrations, '', 'burst', { conditions: [] });
      await prepare(namespace, consumer);
      for (const i of [0, 1, 2, 3, 4])
        await client.create(
          RESOURCES.claims,
          makeClaim(`c${i}`, namespace, org(consumer)).request(TYPE, 1).build(),
        );
      const operator = new OperatorProcess(plane.current);
      operator.start();
      try {
        const outcomes = await eventually('every claim decided', async () => {
          const list = await kubeRequest<{ items: ResourceClaim[] }>(client.kubeConfig, {
            method: 'GET',
            path: resourcePath(RESOURCES.claims, namespace),
          });
          const outcome = list.items.map((c) => ({
            name: c.metadata.name,
            status: c.status?.allocations?.[0]?.status,
            message: c.status?.allocations?.[0]?.message,
          }));
          return outcome.every((o) => o.status === 'Granted' || o.status === 'Denied') ? outcome : undefined;
        });
        assert.deepEqual(
          outcomes.filter((o) => o.status !== 'Granted'),
          [],
          `round ${round}: 5 claims on room for ${ROOM}`,
        );
      } finally {
        await operator.stop();
      }
    }
  });
});

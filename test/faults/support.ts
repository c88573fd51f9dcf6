// Shared by the fault tests: gating (they run under `make test-faults`, not `make test`), claim creation that
// survives an apiserver or etcd outage, and the end-state check of SPEC §4.5/§11: exactly `room` granted, the
// bucket equal to the sum over claims, nothing left undecided.
import assert from 'node:assert/strict';
import type { AllowanceBucket, ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { bucketName, formatConsumerKey } from '../../src/quota/index.ts';
import {
  createClient,
  isAlreadyExists,
  isNotFound,
  KubeApiError,
  type KubeClient,
  kubeRequest,
  resourcePath,
} from '../../src/runtime/index.ts';
import { makeClaim, makeGrant, makeRegistration, org } from '../support/builders.ts';
import { installCrds } from '../support/kube.ts';

/** Fault tests take minutes and restart control-plane processes: only `make test-faults` sets this. */
export const FAULTS_ENABLED = process.env.MQ_FAULTS === '1';
export const SKIP_REASON = 'fault suite: run it with `make test-faults` (MQ_FAULTS=1)';
export const QUOTA_NS = 'quota-system';

/** Transport errors (a process restarting), 429 and 5xx (etcd away, storage re-initialising) are retried. */
export function transient(error: unknown): boolean {
  return error instanceof KubeApiError && (error.status === 0 || error.status === 429 || error.status >= 500);
}

/** Retries `fn` on transient errors, and on those `alsoRetry` accepts, until `timeoutMs`. */
export async function retrying<T>(
  what: string,
  fn: () => Promise<T>,
  timeoutMs = 120_000,
  alsoRetry: (error: unknown) => boolean = () => false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!(transient(error) || alsoRetry(error)) || Date.now() > deadline) {
        throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export interface Setup {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly consumer: string;
  readonly resourceType: string;
  readonly room: number;
}

/** CRDs, the operator's namespace, a registration, a grant of `room` and the claims' namespace. */
export async function setUp(plane: ControlPlane, name: string, room: number): Promise<Setup> {
  await installCrds(plane);
  await plane.kubectl(['create', 'namespace', QUOTA_NS]);
  await plane.kubectl(['create', 'namespace', name]);
  const client = createClient(plane.kubeConfig);
  const resourceType = `faults.example.com/${name}`;
  const consumer = `${name}-org`;
  await client.create(RESOURCES.registrations, makeRegistration(name, resourceType));
  await client.create(
    RESOURCES.grants,
    makeGrant(`${name}-grant`, QUOTA_NS, org(consumer)).allow(resourceType, room).build(),
  );
  return { client, namespace: name, consumer, resourceType, room };
}

/** Waits until the operator has activated the grant: the bucket shows the room (claims before that would be
 * denied for want of an Active grant, a different test). */
export async function waitForRoom(s: Setup, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await getBucket(s))?.status?.limit === s.room) return;
    await sleep(200);
  }
  throw new Error(`the bucket never showed a limit of ${s.room} within ${timeoutMs} ms`);
}

/** Creates claims `first..first+count-1` with `concurrency` clients, retrying through outages; calls
 * `onProgress` after each create (the fault injector) and resolves when all exist. */
export async function createClaims(
  s: Setup,
  range: { first: number; count: number; concurrency: number },
  onProgress: (created: number) => Promise<void> = async () => {},
): Promise<void> {
  let next = range.first;
  const end = range.first + range.count;
  let created = 0;
  const worker = async () => {
    while (next < end) {
      const claim = makeClaim(`claim-${next++}`, s.namespace, org(s.consumer))
        .request(s.resourceType, 1)
        .build();
      await retrying(`create ${claim.metadata.name}`, async () => {
        try {
          await s.client.create(RESOURCES.claims, claim);
        } catch (error) {
          // A create retried after a lost answer may already have landed.
          if (!isAlreadyExists(error)) throw error;
        }
      });
      created += 1;
      await onProgress(created);
    }
  };
  await Promise.all(Array.from({ length: range.concurrency }, worker));
}

export async function listClaims(s: Setup): Promise<ResourceClaim[]> {
  const list = await retrying('list claims', () =>
    kubeRequest<{ items: ResourceClaim[] }>(s.client.kubeConfig, {
      method: 'GET',
      path: resourcePath(RESOURCES.claims, s.namespace),
      timeoutMs: 60_000,
    }),
  );
  return list.items;
}

export async function getBucket(s: Setup): Promise<AllowanceBucket | undefined> {
  const name = bucketName(formatConsumerKey(org(s.consumer)), s.resourceType);
  try {
    return await retrying('get bucket', () =>
      s.client.get<AllowanceBucket>(RESOURCES.buckets, QUOTA_NS, name),
    );
  } catch {
    return undefined;
  }
}

const grantedCondition = (c: ResourceClaim) => c.status?.conditions?.find((x) => x.type === 'Granted');
const isGranted = (c: ResourceClaim) => grantedCondition(c)?.status === 'True';
const isDecided = (c: ResourceClaim) =>
  isGranted(c) ||
  (grantedCondition(c)?.status === 'False' && grantedCondition(c)?.reason !== 'PendingEvaluation');

export interface Outcome {
  readonly claims: number;
  readonly granted: number;
  readonly denied: number;
  readonly undecided: number;
  readonly grantedSum: number;
  readonly bucket:
    | { limit?: number; allocated?: number; available?: number; claimCount?: number }
    | undefined;
}

export async function outcome(s: Setup): Promise<Outcome> {
  const claims = await listClaims(s);
  const grantedSum = claims
    .flatMap((c) => c.status?.allocations ?? [])
    .filter((a) => a.status === 'Granted')
    .reduce((sum, a) => sum + (a.allocatedAmount ?? 0), 0);
  const granted = claims.filter(isGranted).length;
  const decided = claims.filter(isDecided).length;
  const b = (await getBucket(s))?.status;
  return {
    claims: claims.length,
    granted,
    denied: decided - granted,
    undecided: claims.length - decided,
    grantedSum,
    bucket: b && { limit: b.limit, allocated: b.allocated, available: b.available, claimCount: b.claimCount },
  };
}

/** Waits until `total` claims exist, all decided, and the bucket agrees with them; returns the last look. */
export async function settle(s: Setup, total: number, timeoutMs = 180_000): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  let last: Outcome | undefined;
  while (Date.now() < deadline) {
    last = await outcome(s);
    if (last.claims === total && last.undecided === 0 && last.bucket?.allocated === last.grantedSum)
      return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`claims did not settle within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** The end state SPEC §11 demands, printed so a reader sees what was counted. */
export function assertExact(label: string, s: Setup, total: number, o: Outcome): void {
  console.log(`${label}: ${JSON.stringify(o)}`);
  assert.equal(o.claims, total, 'every claim exists');
  assert.equal(o.undecided, 0, 'no claim left undecided');
  assert.equal(o.granted, s.room, `exactly ${s.room} granted`);
  assert.equal(o.denied, total - s.room, `the other ${total - s.room} denied`);
  assert.equal(o.grantedSum, s.room, 'granted amounts add up to the room');
  assert.deepEqual(
    o.bucket,
    { limit: s.room, allocated: o.grantedSum, available: 0, claimCount: o.granted },
    'bucket figures equal the sum over claims',
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Claims decided and still open, as a LIST shows them now. */
export async function progress(s: Setup): Promise<{ decided: number; open: number }> {
  const claims = await listClaims(s);
  const decided = claims.filter(isDecided).length;
  return { decided, open: claims.length - decided };
}

/** The operator's Lease holder now ('' when released or not yet created). */
export async function leaseHolder(s: Setup): Promise<string> {
  try {
    const lease = await retrying('get the lease', () =>
      kubeRequest<{ spec?: { holderIdentity?: string } }>(s.client.kubeConfig, {
        method: 'GET',
        path: `/apis/coordination.k8s.io/v1/namespaces/${QUOTA_NS}/leases/milo-quota-operator`,
      }),
    );
    return lease.spec?.holderIdentity ?? '';
  } catch (error) {
    if (isNotFound(error) || isNotFound((error as Error).cause)) return '';
    throw error;
  }
}

/** Polls the Lease until `accept(holder)`; returns the holder and when it was first seen. */
export async function awaitHolder(
  s: Setup,
  accept: (holder: string) => boolean,
  timeoutMs = 60_000,
): Promise<{ holder: string; seenAt: number }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const holder = await leaseHolder(s);
    if (accept(holder)) return { holder, seenAt: Date.now() };
    await sleep(100);
  }
  throw new Error(`the lease holder did not change as expected within ${timeoutMs} ms`);
}

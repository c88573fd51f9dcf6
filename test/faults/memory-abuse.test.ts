// A namespace editor abusing the operator's memory: 5,000 claims, each with a 250 KB annotation (1.25 GB in
// etcd). Before the informers slimmed their objects, every replica cached all of it and ran out of its 1 GiB
// heap, and again at every restart's relist. Now the operator, a separate process with the Deployment's
// NODE_OPTIONS, must stay within 1.5x the RSS of the same run without annotations after a restart (relist)
// and 1.75x while the claims arrive (watch), and decide every claim.
// After a restart the bound is 1.5x: caching even 7% of the annotation bytes (87 MB against a ~170 MiB
// baseline) breaks it, and so does the young generation left uncapped (1.59x, docs/benchmarks.md); the garbage a
// relist of 1.25 GB leaves in V8's old large-object space until the next major GC (1.03-1.23x measured) does
// not. While the claims arrive, every event's 250 KB strings pass through that space too, and how much of them
// awaits the next major GC is V8's timing: the watch stage measured 1.09-1.59x over seven runs with the same
// code (the peak at 1.50-1.59x in three), so its bound is 1.75x: a tenth of the annotation bytes kept in the caches
// (119 MiB) on top of a typical run's garbage (heavy 250-300 MiB against ~200 MiB plain) exceeds it; the
// restart's 1.5x is the finer check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import type { ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import {
  createClient,
  isAlreadyExists,
  type KubeClient,
  kubeRequest,
  resourcePath,
} from '../../src/runtime/index.ts';
import { makeClaim, makeGrant, makeRegistration, org } from '../support/builders.ts';
import { useControlPlane } from '../support/cluster.ts';
import { installCrds, repoPath } from '../support/kube.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import { FAULTS_ENABLED, getBucket, QUOTA_NS, retrying, type Setup, SKIP_REASON, sleep } from './support.ts';

const CLAIMS = Number(process.env.MQ_ABUSE_CLAIMS ?? 5000);
/** Kubernetes caps all annotations of an object at 256 KiB. */
const ANNOTATION_BYTES = 250_000;
const CONCURRENCY = 16;
/** The heavy run's RSS over the plain run's, at most, per stage (see the top of the file). */
const RATIO = { watching: 1.75, restarted: 1.5 } as const;
const MiB = 1024 * 1024;
// 5,000 x 250 KB, then each claim's status write: ~2.5 GB of revisions before compaction; etcd's default
// quota is 2 GiB.
const plane = FAULTS_ENABLED
  ? useControlPlane({ controllerManager: false, etcdArgs: [`--quota-backend-bytes=${8 * 1024 * MiB}`] })
  : undefined;

interface Rss {
  /** Highest RSS sampled over 10 s once every claim is decided (or the restart has synced). */
  readonly settled: number;
  /** The kernel's high-water mark of the process: the peak of the whole run. */
  readonly peak: number;
}
interface PhaseFigures {
  readonly name: string;
  readonly createSeconds: number;
  readonly watching: Rss;
  readonly restarted: Rss;
}

describe('memory abuse: claims with 250 KB annotations', {
  skip: FAULTS_ENABLED ? false : SKIP_REASON,
}, () => {
  it(`keeps the operator within ${RATIO.restarted}x (${RATIO.watching}x while watching) the RSS of the same ${CLAIMS} claims without annotations`, async () => {
    if (!plane) return;
    const cp = plane.current;
    await installCrds(cp);
    await cp.kubectl(['create', 'namespace', QUOTA_NS]);
    // The Deployment's heap limits: the abuse used to exhaust them.
    const operator = new OperatorProcess(cp, [], { env: { NODE_OPTIONS: deploymentNodeOptions() } });
    plane.beforeStop(() => operator.stop());
    const plain = await phase(cp, operator, 'plain', 0);
    // The next operator must cache only its own claims.
    await deleteClaims(cp, 'plain');
    const heavy = await phase(cp, operator, 'heavy', ANNOTATION_BYTES);
    for (const stage of ['watching', 'restarted'] as const) {
      for (const figure of ['settled', 'peak'] as const) {
        const ratio = heavy[stage][figure] / plain[stage][figure];
        assert.ok(
          ratio <= RATIO[stage],
          `${stage} ${figure} RSS: ${ratio.toFixed(2)}x the run without annotations (at most ${RATIO[stage]}x)`,
        );
      }
    }
  });
});

/** One operator run while the claims arrive, then a restart; prints its figures. */
async function phase(
  cp: ControlPlane,
  operator: OperatorProcess,
  name: string,
  bytes: number,
): Promise<PhaseFigures> {
  const s = await prepare(cp, name);
  operator.start();
  await cachesSynced(operator);
  const started = Date.now();
  await createAnnotatedClaims(s, bytes);
  const createSeconds = (Date.now() - started) / 1000;
  await allGranted(s, operator);
  const watching = await sampleRss(operator);
  await operator.stop();
  operator.start();
  await cachesSynced(operator);
  await allGranted(s, operator);
  const restarted = await sampleRss(operator);
  await operator.stop();
  const mib = (rss: Rss) =>
    `settled ${(rss.settled / MiB).toFixed(0)} MiB, peak ${(rss.peak / MiB).toFixed(0)} MiB`;
  console.log(
    `${name}: ${CLAIMS} claims created in ${createSeconds.toFixed(0)} s; operator while they arrived: ` +
      `${mib(watching)}; after a restart (relist): ${mib(restarted)}`,
  );
  return { name, createSeconds, watching, restarted };
}

/** NODE_OPTIONS as config/manager/deployment.yaml sets them, so the test measures what is deployed. */
function deploymentNodeOptions(): string {
  const deployment = load(readFileSync(repoPath('config/manager/deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const env = deployment.spec.template.spec.containers.flatMap((c) => c.env ?? []);
  const value = env.find((e) => e.name === 'NODE_OPTIONS')?.value;
  assert.ok(value, 'the Deployment sets NODE_OPTIONS');
  return value;
}

async function deleteClaims(cp: ControlPlane, namespace: string): Promise<void> {
  await retrying('delete the claims', () =>
    kubeRequest(cp.kubeConfig, {
      method: 'DELETE',
      path: resourcePath(RESOURCES.claims, namespace),
      timeoutMs: 300_000,
    }),
  );
}

async function prepare(cp: ControlPlane, name: string): Promise<Setup> {
  await cp.kubectl(['create', 'namespace', name]);
  const client = createClient(cp.kubeConfig);
  const resourceType = `abuse.example.com/${name}`;
  const consumer = `${name}-org`;
  await client.create(RESOURCES.registrations, makeRegistration(name, resourceType));
  await client.create(
    RESOURCES.grants,
    makeGrant(`${name}-grant`, QUOTA_NS, org(consumer)).allow(resourceType, CLAIMS).build(),
  );
  return { client, namespace: name, consumer, resourceType, room: CLAIMS };
}

/** Claims straight through the API as admin, `CONCURRENCY` at a time, each with `bytes` of annotation. */
async function createAnnotatedClaims(s: Setup, bytes: number): Promise<void> {
  const blob = 'x'.repeat(bytes);
  let next = 0;
  const worker = async () => {
    while (next < CLAIMS) {
      const claim: ResourceClaim = makeClaim(`claim-${next++}`, s.namespace, org(s.consumer))
        .request(s.resourceType, 1)
        .build();
      if (bytes > 0) claim.metadata.annotations = { 'tenant.example.com/blob': blob };
      await retrying(`create ${claim.metadata.name}`, () => create(s.client, claim));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function create(client: KubeClient, claim: ResourceClaim): Promise<void> {
  try {
    await client.create(RESOURCES.claims, claim, { signal: AbortSignal.timeout(120_000) });
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Every claim granted, read from the bucket (listing 1.25 GB of claims here would cost this process as much). */
async function allGranted(s: Setup, operator: OperatorProcess, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    assert.equal(operator.ended, undefined, `the operator ended (${operator.ended}): ${logTail(operator)}`);
    const status = (await getBucket(s))?.status;
    last = status;
    if (status?.allocated === CLAIMS && status.claimCount === CLAIMS) return;
    await sleep(1000);
  }
  throw new Error(`claims not all granted within ${timeoutMs} ms: bucket ${JSON.stringify(last)}`);
}

async function cachesSynced(operator: OperatorProcess, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    assert.equal(operator.ended, undefined, `the operator ended (${operator.ended}): ${logTail(operator)}`);
    if (readLog(operator).includes('"caches synced"')) return;
    await sleep(250);
  }
  throw new Error(`the operator's caches did not sync within ${timeoutMs} ms: ${logTail(operator)}`);
}

async function sampleRss(operator: OperatorProcess): Promise<Rss> {
  let settled = 0;
  for (let i = 0; i < 10; i++) {
    await sleep(1000);
    settled = Math.max(settled, usage(operator).rss);
  }
  return { settled, peak: usage(operator).peak };
}

function usage(operator: OperatorProcess): { rss: number; peak: number } {
  assert.equal(operator.ended, undefined, `the operator ended (${operator.ended}): ${logTail(operator)}`);
  const status = readFileSync(`/proc/${operator.pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

function readLog(operator: OperatorProcess): string {
  try {
    return readFileSync(operator.logPath, 'utf8');
  } catch {
    return '';
  }
}

function logTail(operator: OperatorProcess): string {
  return readLog(operator).slice(-2000);
}

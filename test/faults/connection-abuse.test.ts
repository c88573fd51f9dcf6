// The webhook holds up under connection abuse: 300 abusive clients on 127.0.0.1 hammer the operator's webhook
// port — slowloris headers, slow bodies, oversized POSTs (by Content-Length and chunked), idle connections
// past TLS (all with the apiserver's own client certificate, so client authentication does not stop them),
// stalled handshakes and refused handshakes without a certificate — while the admin creates enforced
// ConfigMaps through the apiserver with kubectl, more than the quota allows. Every create must get its
// answer (admitted, or refused with the quota message) within the webhook timeout, exactly the room is
// admitted, and the abuse must really have been going on: the abusive connections open at the start and
// end of every create are counted, and the server's limit counters show each limit cut clients off.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESOURCES } from '../../src/cache/index.ts';
import type { RunningOperator } from '../../src/operator/operator.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { useControlPlane } from '../support/cluster.ts';
import { enforcementCovers, kubectlOk } from '../support/kube.ts';
import { configMapClaimPolicy } from '../support/manifests.ts';
import { useOperator } from '../support/operator.ts';
import { ABUSE_KINDS, type Abuse, type AbuseKind, type AbuseReport, startAbuse } from './abusers.ts';
import { FAULTS_ENABLED, QUOTA_NS, SKIP_REASON, sleep } from './support.ts';

const NS = 'abused';
const TYPE = 'faults.example.com/abused-configmaps';
const ROOM = 5;
const CREATES = 12;
const CONCURRENCY = 3;
const WEBHOOK_TIMEOUT_MS = 10_000;
/** Two rounds of the server's 5 s header, body and handshake timeouts: every abuser has been cut off and come back. */
const WARM_UP_MS = 12_000;
const CLIENTS: Record<AbuseKind, number> = {
  slowloris: 70,
  slowBody: 70,
  oversizedLength: 30,
  oversizedChunked: 20,
  idleAfterHandshake: 40,
  stalledHandshake: 50,
  refusedHandshake: 20,
};
const ABUSERS = Object.values(CLIENTS).reduce((a, b) => a + b, 0);
/** The slow kinds hold their connections nearly all the time (about 230 of 300); the fast ones are cut off in milliseconds. */
const MIN_OPEN_DURING_CREATES = ABUSERS / 2;

const plane = FAULTS_ENABLED ? useControlPlane({ controllerManager: false }) : undefined;
const env = plane ? useOperator(plane) : undefined;

const policy = configMapClaimPolicy({
  name: 'abused-configmaps',
  namespace: NS,
  claimMetadata: `{generateName: "cm-", namespace: ${QUOTA_NS}}`,
  consumer: 'abused-org',
  resourceType: TYPE,
});

interface Create {
  readonly name: string;
  readonly outcome: 'admitted' | 'refused' | 'failed';
  readonly ms: number;
  readonly stderr: string;
  /** Abusive connections open when the create started and when it was answered: [TCP, past TLS]. */
  readonly openAtStart: readonly [number, number];
  readonly openAtEnd: readonly [number, number];
}

async function setUp(): Promise<void> {
  if (!plane || !env) return;
  const admin = (...args: string[]) => kubectlOk(plane.current, args);
  await env.client.create(
    RESOURCES.registrations,
    makeRegistration('abused-configmaps', TYPE, undefined, [{ apiGroup: '', kind: 'ConfigMap' }]),
  );
  await env.client.create(
    RESOURCES.grants,
    makeGrant('abused', QUOTA_NS, org('abused-org')).allow(TYPE, ROOM).build(),
  );
  await admin(
    'wait',
    '--for=condition=Active',
    '--timeout=60s',
    '-n',
    QUOTA_NS,
    'resourcegrant.quota.miloapis.com/abused',
  );
  await admin('create', 'namespace', NS);
  await kubectlOk(plane.current, ['apply', '-f', '-'], policy);
  await admin(
    'wait',
    '--for=condition=Ready',
    '--timeout=60s',
    'claimcreationpolicy.quota.miloapis.com/abused-configmaps',
  );
  await enforcementCovers(plane.current, ['configmaps']);
}

/** Creates cm-0..cm-(CREATES-1) as the admin, CONCURRENCY at a time, timing each kubectl to its answer. */
async function createAll(openNow: () => readonly [number, number]): Promise<Create[]> {
  const results: Create[] = [];
  let next = 0;
  const worker = async () => {
    while (next < CREATES) {
      const name = `cm-${next++}`;
      const openAtStart = openNow();
      const started = Date.now();
      const r = await plane?.current.kubectl(['create', 'configmap', name, '-n', NS, '--from-literal=k=v']);
      const ms = Date.now() - started;
      const stderr = r?.stderr ?? 'no control plane';
      const outcome =
        r?.code === 0
          ? 'admitted'
          : /Insufficient quota resources available/.test(stderr)
            ? 'refused'
            : 'failed';
      results.push({ name, outcome, ms, stderr, openAtStart, openAtEnd: openNow() });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return results;
}

/** Runs `fn` while `abuse` goes on, then stops it (also when `fn` fails). */
async function during<T>(abuse: Abuse, fn: () => Promise<T>): Promise<{ result: T; report: AbuseReport }> {
  try {
    const result = await fn();
    return { result, report: await abuse.stop() };
  } catch (error) {
    await abuse.stop().catch(() => undefined);
    throw error;
  }
}

async function counters(operator: RunningOperator, name: string): Promise<Record<string, number>> {
  const values = (await operator.manager.registry.getSingleMetric(name)?.get())?.values ?? [];
  return Object.fromEntries(values.map((v) => [String(v.labels.reason), v.value]));
}

describe('the webhook under connection abuse', { skip: FAULTS_ENABLED ? false : SKIP_REASON }, () => {
  it(`answers every enforced create within ${WEBHOOK_TIMEOUT_MS / 1000} s and admits exactly ${ROOM} of ${CREATES} while ${ABUSERS} abusive clients hold on`, async () => {
    if (!plane || !env) return;
    const testStarted = Date.now();
    await setUp();
    const server = env.operator.webhooks?.server;
    const ca = server?.certificate?.caBundle;
    assert.ok(server?.port !== undefined && ca !== undefined, 'the webhook server is serving');
    const abuse = startAbuse({
      port: server.port,
      ca,
      client: plane.current.pki.webhookClient,
      clients: CLIENTS,
      durationMs: 60_000,
    });
    const sum = (counts: Record<AbuseKind, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const openNow = () => {
      const now = abuse.openNow();
      return [sum(now.open), sum(now.pastTls)] as const;
    };
    const abuseStarted = Date.now();
    const { result: creates, report } = await during(abuse, async () => {
      await sleep(WARM_UP_MS);
      console.log(`open abusive connections after ${WARM_UP_MS} ms: ${JSON.stringify(abuse.openNow())}`);
      return createAll(openNow);
    });
    const abuseMs = Date.now() - abuseStarted;
    const limits = await counters(env.operator, 'milo_quota_webhook_limit_rejections_total');
    const handshakes = await counters(env.operator, 'milo_quota_webhook_tls_handshake_rejections_total');
    const slowest = Math.max(...creates.map((c) => c.ms));
    const minOpen = Math.min(...creates.flatMap((c) => [c.openAtStart[0], c.openAtEnd[0]]));
    const minPastTls = Math.min(...creates.flatMap((c) => [c.openAtStart[1], c.openAtEnd[1]]));
    console.log(
      [
        `creates: ${creates.map((c) => `${c.name} ${c.outcome} ${c.ms} ms (open ${c.openAtStart.join('/')} → ${c.openAtEnd.join('/')})`).join('; ')}`,
        `slowest create ${slowest} ms; fewest abusive connections open during the creates: ${minOpen} of ${ABUSERS} (${minPastTls} past TLS)`,
        `connections opened by the abusers in ${abuseMs} ms: ${JSON.stringify(report.opened)}`,
        `limit rejections: ${JSON.stringify(limits)}; handshake rejections: ${JSON.stringify(handshakes)}`,
      ].join('\n'),
    );
    for (const c of creates) {
      assert.notEqual(c.outcome, 'failed', `${c.name} got no quota answer: ${c.stderr}`);
      assert.ok(c.ms < WEBHOOK_TIMEOUT_MS, `${c.name} answered after ${c.ms} ms`);
    }
    assert.equal(creates.filter((c) => c.outcome === 'admitted').length, ROOM, `exactly ${ROOM} admitted`);
    const stored = await kubectlOk(plane.current, ['get', 'configmaps', '-n', NS, '-o', 'name']);
    assert.equal(stored.split('\n').filter((l) => l.startsWith('configmap/cm-')).length, ROOM);
    assert.ok(
      minOpen >= MIN_OPEN_DURING_CREATES,
      `only ${minOpen} abusive connections were open at some create`,
    );
    for (const kind of ABUSE_KINDS) {
      assert.ok(
        report.opened[kind] >= CLIENTS[kind],
        `every ${kind} client connected (${report.opened[kind]})`,
      );
    }
    for (const reason of ['headers_timeout', 'body_timeout', 'body_too_large']) {
      assert.ok((limits[reason] ?? 0) > 0, `the server cut off clients for ${reason}`);
    }
    for (const reason of ['handshake_timeout', 'no_client_certificate']) {
      assert.ok((handshakes[reason] ?? 0) > 0, `the server refused handshakes for ${reason}`);
    }
    console.log(`connection abuse test took ${Date.now() - testStarted} ms (abuse ran ${abuseMs} ms)`);
  });
});

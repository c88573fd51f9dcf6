// A paused leader (SPEC §4.5, §11; fencing in leader-election.ts): two replicas with leader election, each
// reaching the apiserver through its own recording proxy. While claims trickle in, the leader is SIGSTOPped in
// the middle of deciding (claims decided and open at that moment), the standby takes the lease after the lease
// duration, claims keep arriving (the paused replica's watches queue them), and the paused one is let go with
// SIGCONT. It resumes believing it leads, with queued work, until its renew loop notices. Fencing must keep it
// from writing: the proxy counts the claim status and bucket writes it RECEIVED from that replica after the
// takeover was seen — zero. (The replica is stopped from before the takeover until after it was seen, so
// nothing it sent can fall between the two.) Afterwards the counts are exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ControlPlane, freePort } from '../../src/envtest/index.ts';
import { useControlPlane } from '../support/cluster.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import { FaultProxy, type Recorded } from './proxy.ts';
import {
  assertExact,
  awaitHolder,
  createClaims,
  FAULTS_ENABLED,
  progress,
  SKIP_REASON,
  settle,
  setUp,
  sleep,
  waitForRoom,
} from './support.ts';

const CLAIMS = 600;
const ROOM = 300;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DECISION_PATHS = [/\/resourceclaims\/[^/]+\/status$/, /\/allowancebuckets(\/|$)/];
const plane = FAULTS_ENABLED ? useControlPlane({ controllerManager: false }) : undefined;

const isDecisionWrite = (r: Recorded) => WRITES.has(r.method) && DECISION_PATHS.some((p) => p.test(r.path));

interface Replica {
  readonly process: OperatorProcess;
  readonly proxy: FaultProxy;
  readonly metricsPort: number;
}

async function replica(cp: ControlPlane, name: string): Promise<Replica> {
  const proxy = await FaultProxy.start(cp, `${name}-proxy`);
  const metricsPort = await freePort();
  const args = ['--leader-elect=true', `--metrics-port=${metricsPort}`];
  const process = new OperatorProcess(cp, args, { kubeconfigPath: proxy.kubeconfigPath, name });
  return { process, proxy, metricsPort };
}

/** The replica's `leader_election_fenced_writes_total`, or undefined if it does not answer (exited). */
async function fencedWrites(r: Replica): Promise<number | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`, {
      signal: AbortSignal.timeout(2000),
    });
    const line = (await res.text())
      .split('\n')
      .find((l) => l.startsWith('leader_election_fenced_writes_total'));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  } catch {
    return undefined;
  }
}

/** Scrapes the resumed replica until it exits (it does once its renew loop sees the lease lost), max 25 s. */
async function lastFencedCount(r: Replica): Promise<number | undefined> {
  let last: number | undefined;
  let exited = false;
  void r.process.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 25_000;
  while (!exited && Date.now() < deadline) {
    last = (await fencedWrites(r)) ?? last;
    await sleep(250);
  }
  return last;
}

describe('a leader paused past its lease', { skip: FAULTS_ENABLED ? false : SKIP_REASON }, () => {
  it('writes no decision after the standby took over, and the counts stay exact', async () => {
    if (!plane) return;
    const s = await setUp(plane.current, 'paused', ROOM);
    const [a, b] = [await replica(plane.current, 'replica-a'), await replica(plane.current, 'replica-b')];
    a.process.start();
    try {
      await awaitHolder(s, (h) => h === a.process.identity);
      b.process.start();
      await waitForRoom(s);
      // ~25 claims/s: still arriving when the pause starts, during it, and after the takeover.
      const trickle = createClaims(s, { first: 0, count: CLAIMS, concurrency: 5 }, () => sleep(200));
      const pid = a.process.pid;
      assert.ok(pid !== undefined);
      let atPause = await progress(s);
      for (let i = 0; i < 200 && !(atPause.decided >= 50 && atPause.open > 0); i += 1) {
        await sleep(50);
        atPause = await progress(s);
      }
      process.kill(pid, 'SIGSTOP');
      const pausedAt = Date.now();
      let resumed = false;
      try {
        console.log(`SIGSTOP leader ${a.process.identity}: ${atPause.decided} decided, ${atPause.open} open`);
        assert.ok(atPause.decided >= 50 && atPause.open > 0, 'the leader was paused mid-decisions');
        const takeover = await awaitHolder(s, (h) => h === b.process.identity, 60_000);
        await sleep(1000); // the new leader at work, claims still arriving
        process.kill(pid, 'SIGCONT');
        resumed = true;
        const fenced = await lastFencedCount(a);
        await trickle;
        const result = await settle(s, CLAIMS);
        const fromA = a.proxy.requests;
        const late = fromA.filter((r) => r.at > takeover.seenAt && isDecisionWrite(r));
        const talked = fromA.filter((r) => r.at > takeover.seenAt).length;
        console.log(
          `paused ${((takeover.seenAt - pausedAt) / 1000).toFixed(1)} s until ${takeover.holder} held the lease; ` +
            `the resumed replica sent ${talked} requests after that, ${late.length} of them decision writes ` +
            `(${late
              .slice(0, 5)
              .map((r) => `${r.method} ${r.path}`)
              .join(
                ', ',
              )}); before the pause it sent ${fromA.filter(isDecisionWrite).length} decision writes; ` +
            `its leader_election_fenced_writes_total: ${fenced ?? 'not scraped'}`,
        );
        assert.ok(
          fromA.some((r) => r.at < pausedAt && isDecisionWrite(r)),
          'the proxy saw it decide before',
        );
        assert.ok(talked > 0, 'the resumed replica was alive and talking to the apiserver');
        assert.equal(late.length, 0, 'no decision write after the lease was taken over');
        assertExact('claims across a paused leader', s, CLAIMS, result);
      } finally {
        if (!resumed) process.kill(pid, 'SIGCONT');
      }
    } finally {
      await Promise.all([a.process.stop(), b.process.stop()]);
      await Promise.all([a.proxy.close(), b.proxy.close()]);
    }
  });
});

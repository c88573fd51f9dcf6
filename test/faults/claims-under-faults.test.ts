// SPEC §11: 1,000 claims on a bucket with room for 500, two operator replicas with leader election, and the
// CURRENT LEADER SIGKILLed twice while it is deciding: before each kill the test reads the Lease holder and
// lists the claims, and kills only once some are decided (at least 50 more than at the previous kill, so the
// leader at hand has been deciding) and others still open; those counts are asserted and printed. A killed
// replica is restarted under a new identity (a new candidate, as a new pod would be). The apiserver is
// restarted while the standby waits out the dead leader's lease, so the replica that takes over does so on
// watches that were cut. Afterwards: exactly 500 granted, 500 denied, none undecided, and the bucket equal to
// the sum over the claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useControlPlane } from '../support/cluster.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import {
  assertExact,
  awaitHolder,
  createClaims,
  FAULTS_ENABLED,
  leaseHolder,
  progress,
  type Setup,
  SKIP_REASON,
  settle,
  setUp,
  sleep,
  waitForRoom,
} from './support.ts';

const CLAIMS = 1000;
const ROOM = 500;
/** Decisions the leader at hand must have made since the previous kill before it is killed. */
const SINCE_LAST_KILL = 50;
const plane = FAULTS_ENABLED ? useControlPlane({ controllerManager: false }) : undefined;

interface Kill {
  readonly holder: string;
  readonly decided: number;
  readonly open: number;
}

/**
 * Waits (bounded) until the Lease names one of `replicas` and the claims show decisions in flight, then
 * SIGKILLs that leader and restarts it. Returns what was seen at the kill.
 */
async function killLeaderMidDecisions(
  s: Setup,
  replicas: readonly OperatorProcess[],
  decidedBefore: number,
): Promise<Kill> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const holder = await leaseHolder(s);
    const leader = replicas.find((r) => r.identity === holder);
    const { decided, open } = await progress(s);
    if (leader !== undefined && decided >= decidedBefore + SINCE_LAST_KILL && open > 0) {
      await leader.kill();
      leader.start();
      return { holder, decided, open };
    }
    await sleep(100);
  }
  throw new Error('the leader was never seen with decisions made and claims open: no kill happened');
}

describe('claims under leader kills and an apiserver restart', {
  skip: FAULTS_ENABLED ? false : SKIP_REASON,
}, () => {
  it(`grants exactly ${ROOM} of ${CLAIMS} concurrent claims`, async () => {
    if (!plane) return;
    const cp = plane.current;
    const s = await setUp(cp, 'kills', ROOM);
    const replicas = ['replica-a', 'replica-b'].map(
      (name) => new OperatorProcess(cp, ['--leader-elect=true'], { name }),
    );
    const [a, b] = replicas as [OperatorProcess, OperatorProcess];
    a.start();
    const faults: string[] = [];
    try {
      await awaitHolder(s, (h) => h === a.identity);
      b.start();
      await waitForRoom(s);
      // ~60 claims/s, so claims keep arriving around the first kill.
      const creating = createClaims(s, { first: 0, count: CLAIMS, concurrency: 10 }, () => sleep(100));
      const kills: Kill[] = [];
      const killed = (k: Kill) => {
        kills.push(k);
        faults.push(`SIGKILL leader ${k.holder} with ${k.decided} claims decided, ${k.open} open`);
        return k;
      };
      const first = killed(await killLeaderMidDecisions(s, replicas, 0));
      await cp.restartApiserver();
      faults.push('apiserver restarted while the standby waited for the lease');
      killed(await killLeaderMidDecisions(s, replicas, first.decided));
      await creating;
      const result = await settle(s, CLAIMS);
      faults.push(`lease held by ${await leaseHolder(s)} at the end`);
      const exits = replicas.map((r) => `${r.identity}: ${r.exitCode ?? 'running'}`);
      console.log(`replicas at the end: ${exits.join(', ')}`);
      console.log(`faults injected: ${faults.join('; ')}`);
      assert.equal(kills.length, 2);
      for (const k of kills) assert.ok(k.decided > 0 && k.open > 0, 'each kill hit a leader mid-decisions');
      assert.notEqual(kills[0]?.holder, kills[1]?.holder, 'the second kill hit the new leader');
      assert.ok(
        replicas.every((r) => r.exitCode === undefined),
        'both replicas still running: none exited on its own',
      );
      assertExact('claims under faults', s, CLAIMS, result);
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});

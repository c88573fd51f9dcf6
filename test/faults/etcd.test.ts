// etcd misbehaving during a burst: first SIGSTOPped for a few seconds (slow: requests hang, nothing fails
// fast), later stopped and started again. The apiserver and the operator must ride it out, and the end state
// must be exact: room granted, the rest denied, none undecided, the bucket equal to the claims.
import { describe, it } from 'node:test';
import { useControlPlane } from '../support/cluster.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import {
  assertExact,
  createClaims,
  FAULTS_ENABLED,
  SKIP_REASON,
  settle,
  setUp,
  sleep,
  waitForRoom,
} from './support.ts';

const CLAIMS = 600;
const ROOM = 300;
const plane = FAULTS_ENABLED ? useControlPlane({ controllerManager: false }) : undefined;

describe('etcd paused and restarted during a burst', { skip: FAULTS_ENABLED ? false : SKIP_REASON }, () => {
  it(`grants exactly ${ROOM} of ${CLAIMS} claims`, async () => {
    if (!plane) return;
    const cp = plane.current;
    const s = await setUp(cp, 'etcd', ROOM);
    const operator = new OperatorProcess(cp);
    operator.start();
    await waitForRoom(s);
    const faults: string[] = [];
    try {
      await createClaims(s, { first: 0, count: CLAIMS, concurrency: 30 }, async (created) => {
        if (created === 150) {
          cp.etcd.pause(true);
          await sleep(3000);
          cp.etcd.pause(false);
          faults.push(`etcd SIGSTOP for 3 s at ${created}`);
        }
        if (created === 350) {
          await cp.etcd.stop();
          await sleep(3000);
          await cp.startEtcd();
          faults.push(`etcd stopped for 3 s and started at ${created}`);
        }
      });
      const result = await settle(s, CLAIMS);
      console.log(`faults injected: ${faults.join('; ')}`);
      assertExact('claims with etcd faults', s, CLAIMS, result);
    } finally {
      await operator.stop();
    }
  });
});

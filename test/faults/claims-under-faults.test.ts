// SPEC §11: 1,000 concurrent claims on a bucket with room for 500, while the operator is SIGKILLed and
// restarted (twice) and the apiserver is restarted, all in the middle of the burst. Afterwards: exactly 500
// granted, 500 denied, none undecided, and the bucket equal to the sum over the claims.
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
  waitForRoom,
} from './support.ts';

const CLAIMS = 1000;
const ROOM = 500;
const plane = FAULTS_ENABLED ? useControlPlane({ controllerManager: false }) : undefined;

describe('claims under operator kills and an apiserver restart', {
  skip: FAULTS_ENABLED ? false : SKIP_REASON,
}, () => {
  it(`grants exactly ${ROOM} of ${CLAIMS} concurrent claims`, async () => {
    if (!plane) return;
    const s = await setUp(plane.current, 'kills', ROOM);
    const operator = new OperatorProcess(plane.current);
    operator.start();
    await waitForRoom(s);
    const faults: string[] = [];
    try {
      await createClaims(s, { first: 0, count: CLAIMS, concurrency: 50 }, async (created) => {
        if (created === 200 || created === 700) {
          await operator.kill();
          operator.start();
          faults.push(`operator SIGKILL+restart at ${created}`);
        }
        if (created === 450) {
          await plane.current.restartApiserver();
          faults.push(`apiserver restart at ${created}`);
        }
      });
      const result = await settle(s, CLAIMS);
      console.log(`faults injected: ${faults.join('; ')}`);
      assertExact('claims under faults', s, CLAIMS, result);
    } finally {
      await operator.stop();
    }
  });
});

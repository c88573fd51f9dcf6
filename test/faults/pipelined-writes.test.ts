// Pipelined passes (consumer-controller.ts): a consumer's pass returns once its claim writes are sent, so a
// claim that comes while an earlier claim's write is still on its way is decided at once, counting that
// earlier grant; and the bucket never shows a grant whose write has not landed (plan-gate.ts). The proxy keeps
// the first claim's status write from the apiserver until the test releases it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { makeClaim, org } from '../support/builders.ts';
import { useControlPlane } from '../support/cluster.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import { FaultProxy } from './proxy.ts';
import {
  assertExact,
  FAULTS_ENABLED,
  getBucket,
  outcome,
  type Setup,
  SKIP_REASON,
  settle,
  setUp,
  sleep,
  waitForRoom,
} from './support.ts';

const CLAIM_STATUS = /\/resourceclaims\/[^/]+\/status$/;
const plane = FAULTS_ENABLED ? useControlPlane({ controllerManager: false }) : undefined;

async function create(s: Setup, name: string): Promise<void> {
  await s.client.create(
    RESOURCES.claims,
    makeClaim(name, s.namespace, org(s.consumer)).request(s.resourceType, 1).build(),
  );
}

async function granted(s: Setup, name: string): Promise<boolean> {
  const claim = await s.client.get<ResourceClaim>(RESOURCES.claims, s.namespace, name);
  return claim.status?.conditions?.some((c) => c.type === 'Granted' && c.status === 'True') === true;
}

/** Polls until `check` holds; the deadline is far below the operator's 30 s write deadline. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('a claim decided while an earlier claim write of its consumer is on its way', {
  skip: FAULTS_ENABLED ? false : SKIP_REASON,
}, () => {
  it('decides the second claim at once, keeps the bucket behind the writes, and ends exact', async () => {
    if (!plane) return;
    const cp = plane.current;
    const s = await setUp(cp, 'pipelined', 2);
    const proxy = await FaultProxy.start(cp, 'pipelined-proxy');
    const operator = new OperatorProcess(cp, [], { kubeconfigPath: proxy.kubeconfigPath });
    operator.start();
    try {
      await waitForRoom(s);
      let held = false;
      proxy.rule = (method, path) => {
        if (held || method !== 'PATCH' || !CLAIM_STATUS.test(path)) return undefined;
        held = true;
        return 'hold';
      };
      await create(s, 'claim-0');
      await until('the first claim status write to reach the proxy', async () => held);
      await create(s, 'claim-1');
      // Not pipelined, the second pass would wait for the first write (held) and decide nothing here.
      await until('claim-1 to be granted while claim-0 is unwritten', () => granted(s, 'claim-1'));
      assert.equal(await granted(s, 'claim-0'), false, 'the held write has not landed');
      // The pass that granted claim-1 counted claim-0 as allocated; its bucket plan must wait for that write.
      for (let i = 0; i < 15; i++) {
        const now = await outcome(s);
        const allocated = (await getBucket(s))?.status?.allocated ?? 0;
        assert.ok(
          allocated <= now.grantedSum,
          `bucket allocated ${allocated} is ahead of the claims granted (${now.grantedSum})`,
        );
        await sleep(200);
      }
      assert.equal(proxy.release(), 1, 'one write was held');
      assertExact('after the held write is released', s, 2, await settle(s, 2));
    } finally {
      await operator.stop();
      await proxy.close();
    }
  });
});

// Watch expiry: the operator's informers must resume from a resourceVersion etcd has compacted away, get
// `410 Gone`, relist, and still decide every claim exactly. The apiserver runs without a watch cache for the
// quota kinds (watches go straight to etcd) and compacts every 2 s. The operator is SIGSTOPped, the
// apiserver restarted under it (its watches are cut), claims are created, and compaction is awaited past the
// operator's last resourceVersion before it is let go with SIGCONT.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { KubeApiError, kubeRequest, openStream, resourcePath } from '../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import {
  assertExact,
  createClaims,
  FAULTS_ENABLED,
  getBucket,
  retrying,
  type Setup,
  SKIP_REASON,
  settle,
  setUp,
  waitForRoom,
} from './support.ts';

const ROOM = 150;
const BEFORE = 100;
const DURING = 100;
const uncached = ['resourceclaims', 'resourcegrants', 'allowancebuckets', 'resourceregistrations']
  .map((r) => `${r}.quota.miloapis.com#0`)
  .join(',');
const plane = FAULTS_ENABLED
  ? useControlPlane({
      controllerManager: false,
      apiserverArgs: [`--watch-cache-sizes=${uncached}`, '--etcd-compaction-interval=2s'],
    })
  : undefined;

/** True once a watch of the claims from `rv` is refused with 410, i.e. etcd has compacted past it. */
async function compactedPast(s: Setup, rv: string): Promise<boolean> {
  try {
    const res = await openStream(s.client.kubeConfig, {
      path: resourcePath(RESOURCES.claims, s.namespace),
      query: { watch: 1, resourceVersion: rv, timeoutSeconds: 1 },
    });
    let text = '';
    for await (const chunk of res) text += String(chunk);
    return text.split('\n').some((line) => line.includes('"type":"ERROR"') && line.includes('"code":410'));
  } catch (error) {
    return error instanceof KubeApiError && error.status === 410;
  }
}

/** LIST requests for claims the apiserver has served since it started (its own metrics). */
async function claimLists(cp: ControlPlane): Promise<number> {
  const { body } = await cp.get('/metrics');
  return body
    .split('\n')
    .filter(
      (l) =>
        l.startsWith('apiserver_request_total{') &&
        l.includes('resource="resourceclaims"') &&
        l.includes('verb="LIST"'),
    )
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('watch expiry (410 Gone) on the operator informers', {
  skip: FAULTS_ENABLED ? false : SKIP_REASON,
}, () => {
  it('relists and still decides every claim exactly', async () => {
    if (!plane) return;
    const cp = plane.current;
    const s = await setUp(cp, 'expiry', ROOM);
    const operator = new OperatorProcess(cp);
    operator.start();
    await waitForRoom(s);
    try {
      await createClaims(s, { first: 0, count: BEFORE, concurrency: 20 });
      await eventually(
        'the first claims granted',
        async () => (await getBucket(s))?.status?.allocated === BEFORE,
        120_000,
        250,
      );
      const pid = operator.pid;
      assert.ok(pid !== undefined);
      process.kill(pid, 'SIGSTOP');
      let resumed = false;
      try {
        const page = await kubeRequest<{ metadata: { resourceVersion: string } }>(s.client.kubeConfig, {
          method: 'GET',
          path: resourcePath(RESOURCES.claims, s.namespace),
          query: { limit: 1 },
        });
        const rvAtPause = page.metadata.resourceVersion; // ≥ anything the paused operator has seen
        await cp.restartApiserver();
        await createClaims(s, { first: BEFORE, count: DURING, concurrency: 20 });
        await eventually(`etcd to compact past ${rvAtPause}`, () => compactedPast(s, rvAtPause), 60_000, 500);
        const listsBefore = await retrying('read apiserver metrics', () => claimLists(cp));
        process.kill(pid, 'SIGCONT');
        resumed = true;
        await eventually(
          'the bucket to be full',
          async () => (await getBucket(s))?.status?.allocated === ROOM,
          120_000,
          250,
        );
        const relists = (await claimLists(cp)) - listsBefore;
        console.log(
          `operator LISTs of claims after SIGCONT (relists after 410): ${relists}; compacted past rv ${rvAtPause}`,
        );
        assert.ok(relists >= 1, 'the operator relisted its claims after the 410');
      } finally {
        if (!resumed) process.kill(pid, 'SIGCONT');
      }
      assertExact('claims across watch expiry', s, BEFORE + DURING, await settle(s, BEFORE + DURING));
    } finally {
      await operator.stop();
    }
  });
});

// The enforcement waiter on the in-memory fakes: registered before its claim is created, answered by the
// claim informer following the fake apiserver (answered by the consumer controller: consumer-controller.test.ts); it times out and
// cancels, and leaves nothing registered behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import { ORG, PROJECTS } from '../../api/testing.ts';
import { RESOURCES } from '../../cache/index.ts';
import { FakeManager } from '../../runtime/fake/index.ts';
import { type ClaimWaiter, ClaimWaiter as Waiter, type WaiterAnswer } from './waiter.ts';

const claim = (name: string): ResourceClaim => ({
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'ResourceClaim',
  metadata: { name, namespace: 'default' },
  spec: { consumerRef: { ...ORG }, requests: [{ resourceType: PROJECTS, amount: 1 }] },
});

const decided = (status: 'Granted' | 'Denied'): ResourceClaim['status'] => ({
  allocations: [{ resourceType: PROJECTS, status, lastTransitionTime: '2026-12-04T10:00:00Z' }],
});

type Wait = ReturnType<ClaimWaiter['register']>;
interface Case {
  readonly name: string;
  readonly timeoutMs?: number;
  /** What happens after the waiter is registered, before its claim is created. */
  readonly before?: (mgr: FakeManager) => Promise<void>;
  /** What happens after the waiter is registered and its claim created (uid bound). */
  readonly after: (mgr: FakeManager, wait: Wait, abort: AbortController) => Promise<void>;
  readonly want: WaiterAnswer['outcome'];
}

const status = (mgr: FakeManager, s: ResourceClaim['status']) =>
  mgr.client.patchStatus(RESOURCES.claims, 'default', 'a', s);

const cases: Case[] = [
  { name: 'granted', after: async (mgr) => void (await status(mgr, decided('Granted'))), want: 'granted' },
  { name: 'denied', after: async (mgr) => void (await status(mgr, decided('Denied'))), want: 'denied' },
  {
    name: 'a pending status does not answer; the decision after it does',
    after: async (mgr) => {
      await status(mgr, {
        allocations: [
          { resourceType: PROJECTS, status: 'Pending', lastTransitionTime: '2026-12-04T10:00:00Z' },
        ],
      });
      await status(mgr, decided('Granted'));
    },
    want: 'granted',
  },
  { name: 'times out when nothing decides', timeoutMs: 15, after: async () => {}, want: 'timeout' },
  { name: 'cancelled', after: async (_mgr, wait) => wait.cancel(), want: 'aborted' },
  { name: 'the request aborted', after: async (_mgr, _wait, abort) => abort.abort(), want: 'aborted' },
  {
    name: 'the claim deleted',
    after: async (mgr) => mgr.client.delete(RESOURCES.claims, 'default', 'a'),
    want: 'deleted',
  },
  {
    name: 'an older claim of the same name, decided before ours is created, does not answer',
    before: async (mgr) => {
      mgr.client.add(RESOURCES.claims, claim('a'));
      await status(mgr, decided('Denied'));
      await new Promise((resolve) => setTimeout(resolve, 5)); // the waiter has seen it
      await mgr.client.delete(RESOURCES.claims, 'default', 'a');
    },
    after: async (mgr) => void (await status(mgr, decided('Granted'))),
    want: 'granted',
  },
];

describe('ClaimWaiter on fakes', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const mgr = new FakeManager();
      const waiter = new Waiter(mgr.informers.informerFor(RESOURCES.claims));
      const abort = new AbortController();
      const wait = waiter.register('default', 'a', c.timeoutMs ?? 2_000, abort.signal);
      await c.before?.(mgr);
      const created = await mgr.client.create(RESOURCES.claims, claim('a'));
      wait.bindUid(created.metadata.uid);
      await c.after(mgr, wait, abort);
      const result = await wait.result;
      assert.equal(result.outcome, c.want);
      if (result.outcome === 'granted' || result.outcome === 'denied')
        assert.equal(result.claim.metadata.uid, created.metadata.uid, 'answered by its own claim');
      assert.equal(waiter.size, 0, 'nothing left registered');
      waiter.close();
    });
  }
});

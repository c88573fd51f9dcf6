// The consumer controller on the in-memory fakes (no control plane): its claim status writes, and the undo of
// a decision whose write certainly did not land, so nothing is ever allocated twice.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ClaimWaiter } from '../../admission/enforce/waiter.ts';
import { activeCondition } from '../../api/testing.ts';
import { QuotaCache, RESOURCES } from '../../cache/index.ts';
import { eventually } from '../../runtime/fake/index.ts';
import { KubeApiError } from '../../runtime/index.ts';
import { bucket, claim, claimStatusWrite, hold, outcomes, settled, stopWorlds, world } from './fake-world.ts';

afterEach(stopWorlds);

/** Consumer passes run so far (the controller's reconcile counter). */
async function passes(mgr: ReturnType<typeof world>): Promise<number> {
  const metric = await mgr.registry.getSingleMetric('controller_runtime_reconcile_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.controller === 'consumer')
    .reduce((sum, v) => sum + v.value, 0);
}

describe('consumer controller on fakes: claim status writes', () => {
  const cases: { name: string; limit: number; claims: [string, number][]; want: Record<string, string> }[] = [
    {
      name: 'all fit',
      limit: 3,
      claims: [
        ['a', 1],
        ['b', 2],
      ],
      want: { a: 'Granted', b: 'Granted' },
    },
    {
      name: 'first come first served, the rest denied whole',
      limit: 2,
      claims: [
        ['a', 1],
        ['b', 1],
        ['c', 1],
        ['d', 1],
      ],
      want: { a: 'Granted', b: 'Granted', c: 'Denied', d: 'Denied' },
    },
    {
      name: 'a claim larger than the limit',
      limit: 2,
      claims: [
        ['a', 3],
        ['b', 2],
      ],
      want: { a: 'Denied', b: 'Granted' },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const mgr = world(c.limit);
      mgr.client.pauseWatch(); // all claims in one pass: the order is theirs, not the watch's
      for (const [name, amount] of c.claims) await mgr.client.create(RESOURCES.claims, claim(name, amount));
      mgr.client.resumeWatch();
      assert.deepEqual(await settled(mgr, Object.keys(c.want)), c.want);
      const allocated = c.claims.reduce(
        (sum, [n, amount]) => sum + (c.want[n] === 'Granted' ? amount : 0),
        0,
      );
      await eventually(() =>
        assert.deepEqual([bucket(mgr)?.limit, bucket(mgr)?.allocated], [c.limit, allocated]),
      );
      const denied = Object.values(c.want).filter((o) => o === 'Denied').length;
      assert.equal(mgr.events.filter((e) => e.type === 'Warning').length, denied, 'one Warning per denial');
    });
  }
});

describe('consumer controller on fakes: its own status write starts no pass', () => {
  for (const watchFirst of [false, true]) {
    it(`when the watch shows it ${watchFirst ? 'before' : 'after'} the write's answer`, async () => {
      // no pacing: a pacer hold after the grant's pass counts as a reconcile (a busy machine showed it)
      const mgr = world(5, { pacing: { maxPauseMs: 0 } });
      mgr.client.use(async (req, next) => {
        const answer = await next();
        // the watch event of the landed write is delivered while the answer is held back
        if (watchFirst && claimStatusWrite('a')(req)) await new Promise((r) => setTimeout(r, 30));
        return answer;
      });
      await eventually(() => assert.equal(bucket(mgr)?.limit, 5)); // the grant's pass made the bucket
      const before = await passes(mgr);
      await mgr.client.create(RESOURCES.claims, claim('a'));
      await settled(mgr, ['a']);
      await eventually(() => assert.equal(bucket(mgr)?.allocated, 1));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal((await passes(mgr)) - before, 1, 'one pass: for the claim created');
    });
  }
});

describe('consumer controller on fakes: passes only for what a pass reads', () => {
  it('a label or owner reference on a decided claim starts none; its deletion does', async () => {
    const mgr = world(5);
    await mgr.client.create(RESOURCES.claims, claim('a'));
    await settled(mgr, ['a']);
    await eventually(() => assert.equal(bucket(mgr)?.allocated, 1));
    await new Promise((r) => setTimeout(r, 30));
    const before = await passes(mgr);
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'u-a' };
    const metadata = { labels: { team: 'x' }, ownerReferences: [owner] };
    await mgr.client.patch(RESOURCES.claims, 'default', 'a', 'merge', { metadata });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await passes(mgr)) - before, 0, 'metadata only: no pass');
    await mgr.client.delete(RESOURCES.claims, 'default', 'a');
    await eventually(() => assert.equal(bucket(mgr)?.allocated, 0));
    assert.ok((await passes(mgr)) - before >= 1, 'the deletion returns the capacity');
  });
});

describe('consumer controller on fakes: a failed write undoes its decision', () => {
  for (const [why, error] of [
    ['409 Conflict', new KubeApiError(409, 'Conflict', 'the object has been modified')],
    ['422 Invalid', new KubeApiError(422, 'Invalid', 'status.allocations: Invalid value')],
  ] as const) {
    it(`${why}: the claim is decided again, and the capacity it held meanwhile went to nobody else`, async () => {
      const mgr = world(1);
      const first = hold(mgr, claimStatusWrite('a'));
      await mgr.client.create(RESOURCES.claims, claim('a'));
      await first.arrived; // a's grant is assumed and its write in flight
      await mgr.client.create(RESOURCES.claims, claim('b'));
      assert.deepEqual(await settled(mgr, ['b']), { a: 'open', b: 'Denied' }, 'b does not get what a holds');
      first.release(error); // a's write certainly did not land: its decision is undone and a decided again
      assert.deepEqual(await settled(mgr, ['a']), { a: 'Granted', b: 'Denied' });
      await eventually(() => assert.equal(bucket(mgr)?.allocated, 1));
    });
  }

  it('a lost answer (the write may have landed) is kept, not undone: a live read settles it', async () => {
    const mgr = world(1);
    const isA = (_: unknown, obj: { metadata?: { name?: string } }) => obj.metadata?.name === 'a';
    mgr.client.use(async (req, next) => {
      const answer = await next();
      if (claimStatusWrite('a')(req)) {
        mgr.client.pauseWatch(isA); // the cache does not see a's status yet either
        throw new KubeApiError(0, '', 'socket hang up');
      }
      return answer;
    });
    await mgr.client.create(RESOURCES.claims, claim('a'));
    await eventually(() => assert.equal(outcomes(mgr).a, 'Granted'));
    await mgr.client.create(RESOURCES.claims, claim('b'));
    assert.deepEqual(await settled(mgr, ['b']), { a: 'Granted', b: 'Denied' });
    const requestsForA = mgr.client.requests.filter((r) => r.name === 'a').map((r) => r.verb);
    assert.deepEqual(
      requestsForA,
      ['create', 'patch', 'get'],
      'one write, then a live read; no second grant',
    );
    mgr.client.resumeWatch();
  });

  it('a replica without the lease writes nothing', async () => {
    const mgr = world(1);
    mgr.leading = false;
    await mgr.client.create(RESOURCES.claims, claim('a'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(
      mgr.client.requests.filter((r) => r.verb !== 'get' && r.resource === RESOURCES.claims).length,
      1,
    );
    mgr.leading = true;
    mgr.client.requests.length = 0;
    await mgr.client.patch(RESOURCES.claims, 'default', 'a', 'merge', {
      metadata: { labels: { nudge: '1' } },
    });
    assert.deepEqual(await settled(mgr, ['a']), { a: 'Granted' });
  });
});

describe('consumer controller on fakes: the enforcement waiter', () => {
  it('is answered by the consumer controller: the first claim granted, the second denied', async () => {
    const mgr = world(1);
    const waiter = new ClaimWaiter(new QuotaCache(mgr.informers).claims.informer);
    const outcomes: string[] = [];
    for (const name of ['first', 'second']) {
      const wait = waiter.register('default', name, 2_000, new AbortController().signal);
      const created = await mgr.client.create(RESOURCES.claims, claim(name));
      wait.bindUid(created.metadata.uid);
      outcomes.push((await wait.result).outcome);
    }
    assert.deepEqual(outcomes, ['granted', 'denied']);
    waiter.close();
  });
});

describe('consumer controller on fakes: a stale grant verdict', () => {
  it('holds a claim while its grant was failed before the registration turned Active, then grants it', async () => {
    const mgr = world(2);
    // The grant's verdict predates the registration's: the grant controller is judging it again.
    await mgr.client.patchStatus(RESOURCES.grants, 'quota-system', 'acme', {
      conditions: [
        { ...activeCondition(), status: 'False', reason: 'ValidationFailed', message: 'not Active' },
      ],
    });
    await mgr.client.create(RESOURCES.claims, claim('a'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(outcomes(mgr).a, 'open', 'not denied on a stale verdict');
    await mgr.client.patchStatus(RESOURCES.grants, 'quota-system', 'acme', {
      conditions: [activeCondition()],
    });
    assert.deepEqual(await settled(mgr, ['a']), { a: 'Granted' });
  });
});

// The QuotaCache's snapshot is the decider's view: the cached objects with the decisions in flight (the
// ledger's) applied, and admission's figures are computed from the same snapshot.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { PROJECTS } from '../api/testing.ts';
import { createLogger, InformerFactory } from '../runtime/index.ts';
import { QuotaCache } from './quota-cache.ts';
import { asKubeObject } from './resources.ts';
import { ACME_KEY, assumeGranted, seededCache } from './testing.ts';

describe('QuotaCache', () => {
  it('is synced once every kind has listed', async () => {
    await seededCache().synced(AbortSignal.timeout(1_000));
  });

  it('says which cache has not synced when the signal aborts first', async () => {
    const cache = new QuotaCache(new InformerFactory(new KubeConfig(), createLogger({ silent: true })));
    await assert.rejects(
      cache.synced(AbortSignal.timeout(10)),
      /cache has not synced yet; retry the request/,
    );
  });

  it('snapshots a consumer with the decisions in flight applied, and without them once forgotten', () => {
    const cache = seededCache();
    const open = cache.snapshot(ACME_KEY, Date.now());
    assert.deepEqual(open.claims[0]?.allocations, []);
    const undo = assumeGranted(cache);
    const inFlight = cache.snapshot(ACME_KEY, Date.now());
    assert.deepEqual(inFlight.claims[0]?.allocations, [
      { resourceType: PROJECTS, status: 'Granted', allocatedAmount: 8 },
    ]);
    assert.equal(inFlight.grants.length, 1);
    undo();
    assert.deepEqual(cache.snapshot(ACME_KEY, Date.now()).claims[0]?.allocations, []);
  });

  it('leaves the ledger alone unless asked to observe', () => {
    const cache = seededCache();
    assumeGranted(cache);
    const claim = cache.claims.get('quota-system', 'claim-1');
    assert.ok(claim);
    // the cache now shows the claim decided: a reader's snapshot keeps the assumption, a pass drops it
    const decided = {
      ...claim,
      metadata: { ...claim.metadata, resourceVersion: '2' },
      status: { allocations: [{ resourceType: PROJECTS, status: 'Granted' as const, allocatedAmount: 8 }] },
    };
    cache.claims.informer.replace([asKubeObject(decided)]);
    cache.snapshot(ACME_KEY, Date.now());
    assert.equal(cache.ledger.size, 1);
    cache.snapshot(ACME_KEY, Date.now(), { observe: true });
    assert.equal(cache.ledger.size, 0);
  });
});

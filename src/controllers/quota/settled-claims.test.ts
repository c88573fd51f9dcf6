import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import type { Decision } from '../../quota/index.ts';
import type { KubeObject } from '../../runtime/index.ts';
import { type ClaimEventSource, SettledClaims } from './settled-claims.ts';
import { nextClaimStatus } from './status.ts';

const ACME = 'resourcemanager.miloapis.com/Organization//acme';

function open(name: string, amount: number, uid = `uid-${name}`): ResourceClaim {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceClaim',
    metadata: { name, namespace: 'ns', uid, generation: 1, creationTimestamp: '2026-12-04T09:00:00Z' },
    spec: {
      consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
      requests: [{ resourceType: 'projects', amount }],
    },
  };
}

/** The claim as the decider leaves it: granted or denied, status written. */
function decided(claim: ResourceClaim, kind: 'grant' | 'deny'): ResourceClaim {
  const { namespace = '', name = '', uid = '' } = claim.metadata;
  const amount = claim.spec.requests[0]?.amount ?? 0;
  const decision: Decision =
    kind === 'grant'
      ? {
          kind,
          claim: { namespace, name, uid },
          allocations: [
            {
              resourceType: 'projects',
              status: 'Granted',
              allocatedAmount: amount,
              reason: 'QuotaAvailable',
            },
          ],
        }
      : {
          kind,
          claim: { namespace, name, uid },
          reason: 'QuotaExceeded',
          reasons: [],
          allocations: [
            { resourceType: 'projects', status: 'Denied', reason: 'QuotaExceeded', message: 'no' },
          ],
        };
  const status = nextClaimStatus(claim, decision, new Date('2026-12-04T09:00:01Z'));
  return { ...claim, ...(status === undefined ? {} : { status }) };
}

/** An informer stand-in: replays what it holds to a new handler, then delivers events as a store would. */
class FakeClaims implements ClaimEventSource {
  readonly store = new Map<string, ResourceClaim>();
  #handlers: Parameters<ClaimEventSource['addEventHandler']>[0][] = [];

  addEventHandler(handlers: Parameters<ClaimEventSource['addEventHandler']>[0]) {
    this.#handlers.push(handlers);
    for (const obj of this.store.values()) handlers.onAdd?.(obj as KubeObject);
    return () => {};
  }

  byIndex(_index: string, consumer: string): KubeObject[] {
    return consumer === ACME ? ([...this.store.values()] as KubeObject[]) : [];
  }

  put(claim: ResourceClaim): void {
    const key = claim.metadata.name ?? '';
    const old = this.store.get(key);
    this.store.set(key, claim);
    for (const h of this.#handlers) {
      if (old === undefined) h.onAdd?.(claim as KubeObject);
      else h.onUpdate?.(old as KubeObject, claim as KubeObject);
    }
  }

  delete(name: string): void {
    const old = this.store.get(name);
    if (old === undefined) return;
    this.store.delete(name);
    for (const h of this.#handlers) h.onDelete?.(old as KubeObject);
  }
}

const names = (claims: readonly ResourceClaim[]) => claims.map((c) => c.metadata.name).sort();

describe('SettledClaims', () => {
  it('lists a claim until it is settled, then counts it in the totals; lists it again while it is deleted', () => {
    const claims = new FakeClaims();
    claims.put(open('a', 2)); // held before the index starts: replayed
    const settled = new SettledClaims(claims);
    assert.deepEqual(names(settled.view(ACME).claims), ['a']);

    claims.put(decided(open('a', 2), 'grant'));
    claims.put(open('b', 5));
    let view = settled.view(ACME);
    assert.deepEqual(names(view.claims), ['b']);
    assert.deepEqual(view.settled?.get('projects'), { allocated: 2, claimCount: 1, requesting: 1 });

    claims.put(decided(open('b', 5), 'deny')); // settled, holds nothing, still requests the type
    view = settled.view(ACME);
    assert.deepEqual(view.claims, []);
    assert.deepEqual(view.settled?.get('projects'), { allocated: 2, claimCount: 1, requesting: 2 });

    const deleting = decided(open('a', 2), 'grant');
    deleting.metadata.deletionTimestamp = '2026-12-04T09:00:05Z';
    claims.put(deleting);
    view = settled.view(ACME);
    assert.deepEqual(names(view.claims), ['a']);
    assert.deepEqual(view.settled?.get('projects'), { allocated: 0, claimCount: 0, requesting: 1 });

    claims.delete('a');
    claims.delete('b');
    assert.deepEqual(settled.view(ACME), { claims: [], settled: new Map() });
  });

  it('keeps a decided claim whose status is not what the decider would write listed, so a pass repairs it', () => {
    const claims = new FakeClaims();
    const settled = new SettledClaims(claims);
    const stale = decided(open('a', 2), 'grant');
    stale.metadata.generation = 2; // observedGeneration behind
    claims.put(stale);
    assert.deepEqual(names(settled.view(ACME).claims), ['a']);
  });

  it('adds up to the cached claims after any sequence of changes', () => {
    const claims = new FakeClaims();
    const settled = new SettledClaims(claims);
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed >>> 16) % n;
    };
    for (let step = 0; step < 2000; step++) {
      const name = `c${next(40)}`;
      const choice = next(4);
      if (choice === 0) claims.delete(name);
      else {
        const fresh = open(name, 1 + next(9), `uid-${name}-${step}`);
        claims.put(choice === 1 ? fresh : decided(fresh, choice === 2 ? 'grant' : 'deny'));
      }
    }
    const all = [...claims.store.values()];
    const isSettled = (c: ResourceClaim) => (c.status?.allocations ?? []).length > 0;
    const granted = all.filter((c) => c.status?.allocations?.[0]?.status === 'Granted');
    const view = settled.view(ACME);
    assert.deepEqual(names(view.claims), names(all.filter((c) => !isSettled(c))));
    const settledCount = all.filter(isSettled).length;
    assert.ok(settledCount > 0 && settledCount < all.length, 'the sequence ends with both kinds');
    assert.deepEqual(view.settled?.get('projects'), {
      allocated: granted.reduce((sum, c) => sum + (c.spec.requests[0]?.amount ?? 0), 0),
      claimCount: granted.length,
      requesting: settledCount,
    });
  });

  it('rebuilds a consumer from the cache when an object does not give back what it added', () => {
    const claims = new FakeClaims();
    const settled = new SettledClaims(claims);
    claims.put(decided(open('a', 2), 'grant'));
    claims.put(decided(open('b', 3), 'grant'));
    // the cached copy changes behind the index's back (an update it was never told of) ...
    const a = claims.store.get('a') as ResourceClaim;
    a.metadata.generation = 9;
    // ... so when it goes, its share cannot be worked out again: the totals are counted from the cache anew
    claims.delete('a');
    assert.equal(settled.rebuilds, 1);
    assert.deepEqual(settled.view(ACME).settled?.get('projects'), {
      allocated: 3,
      claimCount: 1,
      requesting: 1,
    });
  });
});

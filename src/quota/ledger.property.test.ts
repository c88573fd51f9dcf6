// The decider's safety under the interleavings a controller meets: a cache that lags the API server per
// claim, writes in flight that land late, conflict or fail, claims created out of order and deleted, and
// operator restarts that lose the ledger. The store (the API server) must never hold more Granted capacity
// than the limit, and every claim in it must stay all-or-nothing.
//
// The controller contract modelled here: assume before writing; write a claim's allocations conditionally on
// the resourceVersion the decision saw; forget only on a definite failure (conflict, rejection); on restart,
// writes of the old process have landed or failed before the new one lists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mergeAllocations } from './apply.ts';
import { decide } from './decide.ts';
import { computeFigures } from './figures.ts';
import { Ledger } from './ledger.ts';
import { TYPES } from './test-arbitraries.ts';
import { at, CONSUMER, registered } from './test-builders.ts';
import type { AllocationInput, ClaimInput, GrantInput } from './types.ts';
import { claimKey } from './types.ts';

type Op =
  | { op: 'create'; requests: { resourceType: string; amount: number }[]; secondsBack: number }
  | { op: 'decide' }
  | { op: 'land' | 'fail' | 'sync' | 'delete'; i: number }
  | { op: 'restart'; landMask: number };

interface Stored {
  readonly claim: ClaimInput;
  readonly rv: number;
}
interface Write {
  readonly key: string;
  readonly uid: string;
  readonly rv: number;
  readonly allocations: readonly AllocationInput[];
  readonly undo: () => void;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      requests: fc.uniqueArray(
        fc.record({ resourceType: fc.constantFrom(...TYPES), amount: fc.integer({ min: 1, max: 5 }) }),
        { minLength: 1, maxLength: 3, selector: (r) => r.resourceType },
      ),
      secondsBack: fc.nat({ max: 20 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ op: 'decide' as const }) },
  ...(['land', 'fail', 'sync', 'delete'] as const).map((op) => ({
    weight: op === 'land' || op === 'sync' ? 3 : 1,
    arbitrary: fc.record({ op: fc.constant(op), i: fc.nat() }),
  })),
  { weight: 1, arbitrary: fc.record({ op: fc.constant('restart' as const), landMask: fc.nat() }) },
);

/** Capacity that claims really compete for: one active grant, a small limit on some resource types. */
const grantsArb: fc.Arbitrary<GrantInput[]> = fc
  .tuple(...TYPES.map(() => fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined })))
  .map((amounts) => {
    const allowances = TYPES.flatMap((resourceType, i) => {
      const amount = amounts[i];
      return amount === undefined ? [] : [{ resourceType, amount }];
    });
    return [{ namespace: 'quota-system', name: 'g', active: true, allowances }];
  });

class World {
  readonly store = new Map<string, Stored>();
  cache = new Map<string, Stored>();
  writes: Write[] = [];
  ledger = new Ledger();
  now = at(100);
  created = 0;

  readonly grants: GrantInput[];

  constructor(grants: GrantInput[]) {
    this.grants = grants;
  }

  round(): number {
    const claims = this.ledger.overlay([...this.cache.values()].map((s) => s.claim));
    const { consumerKey, grants, now } = { consumerKey: CONSUMER, grants: this.grants, now: this.now };
    const registrations = registered(...TYPES);
    const { decisions } = decide({
      consumerKey,
      registrations,
      grants,
      claims,
      now,
      startupWait: { windowMs: 3000 },
    });
    let written = 0;
    for (const d of decisions) {
      if (d.kind === 'wait') continue;
      const key = claimKey(d.claim);
      const rv = this.cache.get(key)?.rv ?? 0;
      this.writes.push({
        key,
        uid: d.claim.uid,
        rv,
        allocations: d.allocations,
        undo: this.ledger.assumeDecision(d),
      });
      written += 1;
    }
    return written;
  }

  /** The API server applies a write if the claim is unchanged since the decision's read, else 409. */
  land(write: Write): boolean {
    const stored = this.store.get(write.key);
    if (stored === undefined || stored.claim.uid !== write.uid || stored.rv !== write.rv) return false;
    const allocations = mergeAllocations(stored.claim.allocations, write.allocations);
    this.store.set(write.key, { claim: { ...stored.claim, allocations }, rv: stored.rv + 1 });
    return true;
  }

  sync(key: string): void {
    const stored = this.store.get(key);
    if (stored === undefined) {
      this.cache.delete(key);
      this.ledger.forget(key);
    } else {
      this.cache.set(key, stored);
      this.ledger.observe(stored.claim);
    }
  }

  take<T>(list: T[], i: number): T | undefined {
    return list.length === 0 ? undefined : list.splice(i % list.length, 1)[0];
  }

  apply(op: Op): void {
    this.now += 1000;
    const keys = [...new Set([...this.store.keys(), ...this.cache.keys()])].sort();
    switch (op.op) {
      case 'create': {
        const name = `c${this.created++}`;
        const claim: ClaimInput = {
          namespace: 'default',
          name,
          uid: `uid-${name}`,
          creationTimestamp: this.now - op.secondsBack * 1000,
          requests: op.requests,
          allocations: [],
        };
        this.store.set(claimKey(claim), { claim, rv: 1 });
        return;
      }
      case 'decide':
        this.round();
        return;
      case 'land': {
        const write = this.take(this.writes, op.i);
        if (write !== undefined && !this.land(write)) write.undo();
        return;
      }
      case 'fail':
        this.take(this.writes, op.i)?.undo();
        return;
      case 'sync':
        if (keys.length > 0) this.sync(keys[op.i % keys.length] as string);
        return;
      case 'delete':
        if (keys.length > 0) this.store.delete(keys[op.i % keys.length] as string);
        return;
      case 'restart':
        // Each write of the old process either landed or failed before the new one lists.
        this.writes.forEach((write, i) => {
          if ((op.landMask >> i) & 1) this.land(write);
        });
        this.writes = [];
        this.ledger = new Ledger();
        this.cache = new Map(this.store);
        return;
    }
  }

  check(): void {
    const claims = [...this.store.values()].map((s) => s.claim);
    for (const [type, f] of computeFigures({ grants: this.grants, claims })) {
      assert.ok(f.allocated <= f.limit, `over-allocated ${type}: ${f.allocated} > ${f.limit}`);
    }
    for (const claim of claims) {
      const statuses = new Set(
        claim.requests.map((r) => claim.allocations.find((a) => a.resourceType === r.resourceType)?.status),
      );
      const atomic =
        statuses.has('Denied') ||
        (statuses.size === 1 && (statuses.has('Granted') || statuses.has(undefined)));
      assert.ok(atomic, `claim ${claim.name} is partly granted: ${JSON.stringify(claim.allocations)}`);
    }
  }

  /** Lets everything settle: land writes, catch the cache up, decide until nothing is left. */
  settle(): void {
    this.now += 60_000;
    for (let i = 0; i < 50; i++) {
      for (const write of this.writes.splice(0)) if (!this.land(write)) write.undo();
      for (const key of [...new Set([...this.store.keys(), ...this.cache.keys()])]) this.sync(key);
      this.check();
      if (this.round() === 0 && this.writes.length === 0) return;
    }
    assert.fail('decisions did not settle');
  }
}

describe('decide + ledger under arbitrary interleavings', () => {
  it('counts a grant in flight when an earlier claim reaches the cache late', () => {
    const world = new World([
      { namespace: 'q', name: 'g', active: true, allowances: [{ resourceType: 'a', amount: 1 }] },
    ]);
    const ops: Op[] = [
      { op: 'create', requests: [{ resourceType: 'a', amount: 1 }], secondsBack: 0 },
      { op: 'sync', i: 0 },
      { op: 'decide' },
      { op: 'create', requests: [{ resourceType: 'a', amount: 1 }], secondsBack: 20 },
      { op: 'sync', i: 1 },
      { op: 'decide' },
      { op: 'land', i: 0 },
      { op: 'land', i: 0 },
      { op: 'land', i: 0 },
    ];
    for (const op of ops) {
      world.apply(op);
      world.check();
    }
  });

  it('never over-allocates, keeps claims atomic, and decides every claim in the end', () => {
    fc.assert(
      fc.property(grantsArb, fc.array(opArb, { minLength: 20, maxLength: 80 }), (grants, ops) => {
        const world = new World(grants);
        for (const op of ops) {
          world.apply(op);
          world.check();
        }
        world.settle();
        for (const { claim } of world.store.values()) {
          for (const r of claim.requests) {
            const status = claim.allocations.find((a) => a.resourceType === r.resourceType)?.status;
            assert.ok(status === 'Granted' || status === 'Denied', `claim ${claim.name} left undecided`);
          }
        }
        assert.equal(world.ledger.size, 0, 'every assumption is dropped once the cache shows the write');
      }),
      { numRuns: 1000 },
    );
  });
});

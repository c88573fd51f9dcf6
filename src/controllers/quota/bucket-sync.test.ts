import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AllowanceBucket, ResourceClaim, ResourceGrant } from '../../api/index.ts';
import { RESOURCES } from '../../cache/index.ts';
import { bucketName, computeFigures, emptyFigures, type FiguresByType } from '../../quota/index.ts';
import { ACME, CONSUMER } from '../../quota/test-builders.ts';
import { eventually, type FakeManager } from '../../runtime/fake/index.ts';
import { bucketKey, planBuckets } from './bucket-sync.ts';
import {
  bucket as bucketStatus,
  claim,
  grantObject,
  stopWorlds,
  NS as WORLD_NS,
  world,
} from './fake-world.ts';
import { nextBucketStatus } from './status.ts';

const consumer = ACME;
const consumerKey = CONSUMER;
const NS = 'quota-system';
const now = new Date('2026-12-03T10:00:00Z');
const GRACE = 60_000;

function figures(limit: number, allocated: number, type = 'projects'): FiguresByType {
  return computeFigures({
    grants: [{ namespace: NS, name: 'g', active: true, allowances: [{ resourceType: type, amount: limit }] }],
    claims:
      allocated === 0
        ? []
        : [
            {
              namespace: 'ns',
              name: 'c',
              uid: 'u',
              creationTimestamp: 0,
              requests: [{ resourceType: type, amount: allocated }],
              allocations: [{ resourceType: type, status: 'Granted', allocatedAmount: allocated }],
            },
          ],
  });
}

function bucket(type: string, status?: AllowanceBucket['status'], namespace = NS): AllowanceBucket {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'AllowanceBucket',
    metadata: {
      name: bucketName(consumerKey, type),
      namespace,
      uid: `uid-${type}`,
      generation: 1,
      creationTimestamp: '2026-12-03T09:00:00Z',
    },
    spec: {
      consumerRef: { apiGroup: consumer.apiGroup, kind: consumer.kind, name: 'acme' },
      resourceType: type,
    },
    ...(status === undefined ? {} : { status }),
  };
}

/** A bucket whose stored status shows `f` exactly, written at `at`. */
function exact(f: FiguresByType, type = 'projects', at = now): AllowanceBucket {
  const figures = f.get(type);
  assert.ok(figures);
  return bucket(type, nextBucketStatus(undefined, figures, 1, at));
}

const plan = (f: FiguresByType, existing: AllowanceBucket[], at = now) =>
  planBuckets({ consumerKey, consumer, namespace: NS, figures: f, existing, now: at, gracePeriodMs: GRACE });

describe('planBuckets', () => {
  it('creates a missing bucket with the figures', () => {
    const p = plan(figures(5, 2), []);
    assert.equal(p.writes.length, 1);
    const [target] = p.writes;
    assert.equal(target?.name, bucketName(consumerKey, 'projects'));
    assert.deepEqual([target?.figures?.limit, target?.figures?.allocated], [5, 2]);
    assert.equal(p.recheckMs, undefined);
  });

  it('leaves a bucket that already shows the figures clean (nothing to write)', () => {
    const f = figures(5, 2);
    const p = plan(f, [exact(f)]);
    assert.deepEqual(p.writes, []);
    assert.deepEqual(
      p.clean.map((t) => bucketKey(t.namespace, t.name)),
      [bucketKey(NS, bucketName(consumerKey, 'projects'))],
    );
  });

  it('marks a bucket whose figures changed, with the latest figures', () => {
    const p = plan(figures(5, 3), [exact(figures(5, 2))]);
    assert.equal(p.writes[0]?.figures?.allocated, 3);
  });

  it('zeroes a bucket nothing refers to and looks again after the grace period', () => {
    const p = plan(new Map(), [exact(figures(5, 2, 'vcpus'), 'vcpus')]);
    assert.equal(p.writes.length, 1);
    assert.deepEqual([p.writes[0]?.figures?.limit, p.writes[0]?.figures?.allocated], [0, 0]);
    assert.equal(p.recheckMs, GRACE);
  });

  it('deletes a zeroed bucket once the grace period has passed since its last write, by uid', () => {
    const zeroedAt = new Date(now.getTime() - 10_000);
    const zeroed = bucket('vcpus', nextBucketStatus(undefined, emptyFigures('vcpus'), 1, zeroedAt));
    const waiting = plan(new Map(), [zeroed]);
    assert.deepEqual(waiting.writes, []);
    assert.equal(waiting.recheckMs, GRACE - 10_000);
    const later = new Date(zeroedAt.getTime() + GRACE);
    const due = plan(new Map(), [zeroed], later);
    assert.equal(due.writes.length, 1);
    assert.equal(due.writes[0]?.figures, undefined);
    assert.equal(due.writes[0]?.uid, 'uid-vcpus');
  });

  it('retires a bucket left in another namespace (the namespace expression changed)', () => {
    const f = figures(5, 2);
    const moved = { ...exact(f), metadata: { ...exact(f).metadata, namespace: 'old-ns' } };
    const p = plan(f, [moved]);
    const targets = p.writes.map((w) => [w.namespace, w.figures?.limit]);
    assert.deepEqual(targets, [
      [NS, 5],
      ['old-ns', 0],
    ]);
  });
});

/** The figures the bucket must show: the stored grants and granted claims, counted independently. */
function expected(mgr: FakeManager) {
  const limit = mgr.client
    .list<ResourceGrant>(RESOURCES.grants)
    .reduce(
      (sum, g) => sum + g.spec.allowances.flatMap((a) => a.buckets).reduce((s, b) => s + b.amount, 0),
      0,
    );
  const granted = mgr.client
    .list<ResourceClaim>(RESOURCES.claims)
    .flatMap((c) => c.status?.allocations ?? [])
    .filter((a) => a.status === 'Granted');
  const allocated = granted.reduce((sum, a) => sum + (a.allocatedAmount ?? 0), 0);
  return { limit, allocated, available: Math.max(0, limit - allocated), claimCount: granted.length };
}

const shown = (mgr: FakeManager) => {
  const s = bucketStatus(mgr);
  return { limit: s?.limit, allocated: s?.allocated, available: s?.available, claimCount: s?.claimCount };
};

const bucketWrites = (mgr: FakeManager) =>
  mgr.client.requests.filter((r) => r.resource === RESOURCES.buckets && r.subresource === 'status').length;

const open = (mgr: FakeManager) =>
  mgr.client.list<ResourceClaim>(RESOURCES.claims).filter((c) => (c.status?.allocations ?? []).length === 0);

describe('bucket sync on fakes: the bucket converges to the exact totals', () => {
  afterEach(stopWorlds);
  type Step = readonly [string, (mgr: FakeManager) => Promise<void>];
  const steps: Step[] = [
    [
      'a burst of 40 claims against 25',
      async (mgr) => {
        for (let i = 0; i < 40; i++)
          await mgr.client.create(RESOURCES.claims, claim(`c${String(i).padStart(2, '0')}`));
      },
    ],
    [
      'five granted claims deleted',
      async (mgr) => {
        for (let i = 0; i < 5; i++)
          await mgr.client.delete(RESOURCES.claims, 'default', `c${String(i).padStart(2, '0')}`);
      },
    ],
    [
      'three more claims, two of them large',
      async (mgr) => {
        await mgr.client.create(RESOURCES.claims, claim('d1', 1));
        await mgr.client.create(RESOURCES.claims, claim('d2', 3));
        await mgr.client.create(RESOURCES.claims, claim('d3', 2));
      },
    ],
    [
      'the grant raised to 40 and a second grant of 5',
      async (mgr) => {
        const current = mgr.client.object<ResourceGrant>(RESOURCES.grants, WORLD_NS, 'acme');
        assert.ok(current);
        const raised = grantObject(40);
        await mgr.client.replace(RESOURCES.grants, { ...current, spec: raised.spec });
        await mgr.client.patchStatus(RESOURCES.grants, WORLD_NS, 'acme', {
          ...current.status,
          observedGeneration: 2,
        });
        mgr.client.add(RESOURCES.grants, grantObject(5, 'extra'));
      },
    ],
  ];

  it('after each step, and with far fewer bucket writes than claim writes (coalesced)', async () => {
    const mgr = world(25, { bucketBudget: { quietMs: 20 } });
    for (const [name, step] of steps) {
      await step(mgr);
      await eventually(() => assert.deepEqual(open(mgr), [], `${name}: every claim decided`));
      await eventually(() => assert.deepEqual(shown(mgr), expected(mgr), name));
    }
    assert.deepEqual(expected(mgr), { limit: 45, allocated: 24, available: 21, claimCount: 22 });
    const claimWrites = mgr.client.requests.filter(
      (r) => r.resource === RESOURCES.claims && r.subresource === 'status',
    ).length;
    assert.ok(
      bucketWrites(mgr) * 4 < claimWrites,
      `${bucketWrites(mgr)} bucket writes for ${claimWrites} claim writes`,
    );
  });
});

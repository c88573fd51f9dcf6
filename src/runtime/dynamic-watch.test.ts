// The dynamic-watch capability on the fakes: what is reported when a kind is not served or not allowed, when
// it is asked again, and that callers share one attempt and one informer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDENTITY_VIEW } from './cache-views.ts';
import {
  DynamicWatches,
  type KindDiscovery,
  type NotServed,
  readLive,
  resolveKinds,
} from './dynamic-watch.ts';
import { FakeClient, FakeInformers, failRequests, WIDGETS } from './fake/index.ts';
import { KubeApiError } from './kube-http.ts';
import { createLogger } from './logger.ts';
import type { ResourceRef } from './types.ts';

const WIDGET = { apiVersion: 'example.com/v1', kind: 'Widget' };

interface NoCrd extends NotServed {
  readonly reason: string;
}

/** A discovery serving what `served` holds now, counting the questions. */
function discoveryOf(served: Map<string, ResourceRef>) {
  const asked: string[] = [];
  const discovery: KindDiscovery<NoCrd> = {
    serving: async (apiVersion, kind) => {
      asked.push(`${apiVersion}/${kind}`);
      const ref = served.get(`${apiVersion}/${kind}`);
      return ref === undefined ? { served: false, reason: 'no CRD' } : { served: true, ref };
    },
  };
  return { discovery, asked };
}

/** An access checker answering `missing`, counting the reviews. */
function accessOf(missing: { verbs: string[] }) {
  const reviews: string[] = [];
  return {
    reviews,
    access: {
      missingVerbs: async (ref: ResourceRef) => {
        reviews.push(ref.plural);
        return [...missing.verbs];
      },
      user: async () => 'system:serviceaccount:quota-system:operator',
    },
  };
}

function world(options: { served?: boolean; missing?: string[]; now?: () => number } = {}) {
  const served = new Map(options.served === false ? [] : [['example.com/v1/Widget', WIDGETS]]);
  const client = new FakeClient();
  const informers = new FakeInformers(client, createLogger({ silent: true }));
  let made = 0;
  const counting = {
    informerFor: (...args: Parameters<FakeInformers['informerFor']>) => {
      made += 1;
      return informers.informerFor(...args);
    },
  };
  const missing = { verbs: options.missing ?? [] };
  const { discovery, asked } = discoveryOf(served);
  const { access, reviews } = accessOf(missing);
  const watches = new DynamicWatches({
    discovery,
    access,
    informers: counting,
    recheckDeniedMs: 1_000,
    ...(options.now && { now: options.now }),
  });
  return { watches, served, missing, asked, reviews, client, made: () => made };
}

describe('DynamicWatches', () => {
  it('reports a kind that is not served with discovery’s answer, and asks again on the next call', async () => {
    const w = world({ served: false });
    const first = await w.watches.watchKind(WIDGET, IDENTITY_VIEW);
    assert.equal(first.state, 'unserved');
    assert.deepEqual(first.state === 'unserved' && first.why, { served: false, reason: 'no CRD' });
    assert.equal(w.made(), 0, 'no informer for a kind not served');
    w.served.set('example.com/v1/Widget', WIDGETS); // the CRD is installed
    const second = await w.watches.watchKind(WIDGET, IDENTITY_VIEW);
    assert.equal(second.state, 'watching');
    assert.deepEqual(w.asked, ['example.com/v1/Widget', 'example.com/v1/Widget']);
  });

  it('starts no informer without permission and says which verbs are missing', async () => {
    const w = world({ missing: ['list', 'watch'] });
    const outcome = await w.watches.watchKind(WIDGET, IDENTITY_VIEW);
    assert.deepEqual(outcome, {
      state: 'forbidden',
      ref: WIDGETS,
      missing: ['list', 'watch'],
      user: 'system:serviceaccount:quota-system:operator',
    });
    assert.equal(w.made(), 0);
  });

  it('reuses a denial for recheckDeniedMs, then asks again and starts the watch once allowed', async () => {
    const clock = { now: 0 };
    const w = world({ missing: ['watch'], now: () => clock.now });
    assert.equal((await w.watches.watch(WIDGETS, IDENTITY_VIEW)).state, 'forbidden');
    w.missing.verbs = []; // a role is granted
    clock.now = 999;
    assert.equal((await w.watches.watch(WIDGETS, IDENTITY_VIEW)).state, 'forbidden', 'denial reused');
    assert.equal(w.reviews.length, 1);
    clock.now = 1_000;
    assert.equal((await w.watches.watch(WIDGETS, IDENTITY_VIEW)).state, 'watching');
    assert.equal(w.reviews.length, 2);
  });

  it('shares one attempt and one informer between callers, and asks nothing once watching', async () => {
    const w = world();
    const [a, b] = await Promise.all([
      w.watches.watch(WIDGETS, IDENTITY_VIEW),
      w.watches.watchKind(WIDGET, IDENTITY_VIEW),
    ]);
    assert.ok(a.state === 'watching' && b.state === 'watching');
    assert.equal(a.informer, b.informer);
    assert.equal(w.reviews.length, 1, 'one access review for both');
    assert.equal(w.made(), 1);
    const later = await w.watches.watch(WIDGETS, IDENTITY_VIEW);
    assert.ok(later.state === 'watching' && later.informer === a.informer);
    assert.equal(w.reviews.length, 1, 'a started watch is remembered');
  });

  it('keeps one watch per view: another view is another attempt and another informer', async () => {
    const w = world();
    const a = await w.watches.watch(WIDGETS, IDENTITY_VIEW);
    const b = await w.watches.watch(WIDGETS, { name: 'whole', transform: (o) => o });
    assert.ok(a.state === 'watching' && b.state === 'watching');
    assert.notEqual(a.informer, b.informer);
    assert.equal(w.reviews.length, 2);
  });

  it('does not remember a review that failed: the next call asks again', async () => {
    const w = world();
    let fail = true;
    const watches = new DynamicWatches({
      discovery: discoveryOf(w.served).discovery,
      access: {
        missingVerbs: async () => {
          if (fail) throw new Error('apiserver unavailable');
          return [];
        },
        user: async () => undefined,
      },
      informers: new FakeInformers(w.client, createLogger({ silent: true })),
    });
    await assert.rejects(watches.watch(WIDGETS, IDENTITY_VIEW), /apiserver unavailable/);
    fail = false;
    assert.equal((await watches.watch(WIDGETS, IDENTITY_VIEW)).state, 'watching');
  });
});

describe('resolveKinds', () => {
  it('splits items into served and not served, asking once per kind', async () => {
    const { discovery, asked } = discoveryOf(new Map([['example.com/v1/Widget', WIDGETS]]));
    const items = [
      { name: 'a', resource: WIDGET },
      { name: 'b', resource: { apiVersion: 'example.com/v1', kind: 'Gadget' } },
      { name: 'c', resource: WIDGET },
    ];
    const { resolved, unresolved } = await resolveKinds(discovery, items, (i) => i.resource);
    assert.deepEqual(
      resolved.map((r) => [r.item.name, r.ref.plural]),
      [
        ['a', 'widgets'],
        ['c', 'widgets'],
      ],
    );
    assert.deepEqual(
      unresolved.map((u) => [u.item.name, u.why.reason]),
      [['b', 'no CRD']],
    );
    assert.deepEqual(asked, ['example.com/v1/Widget', 'example.com/v1/Gadget']);
  });
});

describe('readLive', () => {
  it('reads the object, undefined when it does not exist, and throws other errors', async () => {
    const client = new FakeClient();
    client.add(WIDGETS, { metadata: { namespace: 'ns', name: 'w' }, spec: { size: 1 } });
    assert.deepEqual((await readLive(client, WIDGETS, 'ns', 'w'))?.spec, { size: 1 });
    assert.equal(await readLive(client, WIDGETS, 'ns', 'missing'), undefined);
    client.use(
      failRequests(
        () => true,
        () => new KubeApiError(403, 'Forbidden', 'no'),
      ),
    );
    await assert.rejects(readLive(client, WIDGETS, 'ns', 'w'), /no/);
  });
});

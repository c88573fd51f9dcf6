import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { diffRelist } from './relist-diff.ts';
import { Store } from './store.ts';
import { type KubeObject, objectKey } from './types.ts';

const cm = (name: string, rv: string, extra: Partial<KubeObject> & { ns?: string; uid?: string } = {}) => {
  const { ns = 'default', uid = `uid-${name}`, ...rest } = extra;
  return { metadata: { name, namespace: ns, uid, resourceVersion: rv }, ...rest } satisfies KubeObject;
};
const keys = (objs: KubeObject[]) => objs.map(objectKey).sort();

describe('diffRelist', () => {
  it('finds adds, rv-changed updates and deletes', () => {
    const cached = new Map<string, KubeObject>(
      [cm('same', '1'), cm('changed', '1'), cm('gone', '1')].map((o) => [objectKey(o), o]),
    );
    const diff = diffRelist(cached, [cm('same', '1'), cm('changed', '7'), cm('new', '8')]);
    assert.deepEqual(keys(diff.adds), ['default/new']);
    assert.deepEqual(
      diff.updates.map(([o, n]) => [objectKey(o), o.metadata?.resourceVersion, n.metadata?.resourceVersion]),
      [['default/changed', '1', '7']],
    );
    assert.deepEqual(keys(diff.deletes), ['default/gone']);
    assert.equal(diff.deletes[0]?.metadata?.resourceVersion, '1', 'delete carries the last known state');
  });

  it('reports a re-created object (same name, new uid) as delete + add', () => {
    const old = cm('x', '1', { uid: 'a' });
    const diff = diffRelist(new Map([[objectKey(old), old]]), [cm('x', '9', { uid: 'b' })]);
    assert.deepEqual([diff.adds.length, diff.updates.length, diff.deletes.length], [1, 0, 1]);
    assert.equal(diff.deletes[0]?.metadata?.uid, 'a');
  });

  it('keeps namespaces apart and handles cluster-scoped keys', () => {
    const a = cm('x', '1', { ns: 'a' });
    const cluster = { metadata: { name: 'x', uid: 'c', resourceVersion: '1' } };
    const diff = diffRelist(new Map([[objectKey(a), a]]), [cm('x', '1', { ns: 'b', uid: 'uid-x' }), cluster]);
    assert.deepEqual(keys(diff.adds), ['b/x', 'x']);
    assert.deepEqual(keys(diff.deletes), ['a/x']);
  });

  it('property: applying the diff to the cache yields exactly the list', () => {
    const obj = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), rv: fc.nat(3), uid: fc.nat(1) });
    const uniq = (xs: { name: string; rv: number; uid: number }[]) => [
      ...new Map(xs.map((x) => [x.name, x])).values(),
    ];
    fc.assert(
      fc.property(fc.array(obj), fc.array(obj), (before, after) => {
        const make = (x: { name: string; rv: number; uid: number }) =>
          cm(x.name, String(x.rv), { uid: String(x.uid) });
        const store = new Store();
        for (const x of uniq(before)) store.upsert(make(x));
        const listed = uniq(after).map(make);
        const diff = diffRelist(store.snapshot(), listed);
        for (const o of diff.deletes) store.remove(o);
        for (const o of diff.adds) store.upsert(o);
        for (const [, n] of diff.updates) store.upsert(n);
        const state = (objs: KubeObject[]) =>
          objs.map((o) => `${objectKey(o)}@${o.metadata?.resourceVersion}#${o.metadata?.uid}`).sort();
        assert.deepEqual(state(store.list()), state(listed));
      }),
    );
  });
});

describe('Store', () => {
  const byOwner = (o: KubeObject) => (o.metadata?.labels?.owner ? [o.metadata.labels.owner] : []);

  it('gets by namespace/name and lists by namespace', () => {
    const store = new Store();
    store.upsert(cm('a', '1', { ns: 'n1' }));
    store.upsert(cm('b', '1', { ns: 'n2' }));
    store.upsert({ metadata: { name: 'c', resourceVersion: '1' } });
    assert.equal(store.get('n1', 'a')?.metadata?.name, 'a');
    assert.equal(store.get('n2', 'a'), undefined);
    assert.equal(store.get('', 'c')?.metadata?.name, 'c');
    assert.deepEqual(keys(store.list('n2')), ['n2/b']);
    assert.equal(store.list().length, 3);
  });

  it('keeps indexes in step with upsert and remove, including value changes', () => {
    const store = new Store();
    store.upsert(cm('pre', '1', { metadata: { name: 'pre', namespace: 'd', labels: { owner: 'o1' } } }));
    store.addIndex('owner', byOwner); // existing objects get indexed at once
    assert.deepEqual(keys(store.byIndex('owner', 'o1')), ['d/pre']);
    const moved = {
      metadata: { name: 'pre', namespace: 'd', resourceVersion: '2', labels: { owner: 'o2' } },
    };
    store.upsert(moved);
    assert.deepEqual(store.byIndex('owner', 'o1'), []);
    assert.deepEqual(keys(store.byIndex('owner', 'o2')), ['d/pre']);
    assert.equal(store.list('d').length, 1);
    store.remove(moved);
    assert.deepEqual(store.byIndex('owner', 'o2'), []);
    assert.deepEqual(store.list('d'), [], 'the namespace index follows removals too');
  });

  it('indexes one object under several values and survives a throwing index function', () => {
    const store = new Store();
    store.addIndex('tags', (o) => (o.metadata?.annotations?.tags ?? '').split(',').filter(Boolean));
    store.addIndex('broken', () => {
      throw new Error('bad object');
    });
    store.upsert({ metadata: { name: 'x', namespace: 'd', annotations: { tags: 'a,b,a' } } });
    assert.deepEqual(keys(store.byIndex('tags', 'a')), ['d/x']);
    assert.deepEqual(keys(store.byIndex('tags', 'b')), ['d/x']);
    assert.deepEqual(store.byIndex('broken', 'anything'), []);
  });

  it('names the missing index and refuses duplicates', () => {
    const store = new Store();
    assert.throws(() => store.byIndex('nope', 'v'), /index "nope" does not exist.*addIndex/);
    store.addIndex('i', byOwner);
    assert.throws(() => store.addIndex('i', byOwner), /already registered/);
  });
});

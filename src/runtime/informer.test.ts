// Informer behaviour that needs no apiserver: event fan-out from its input API and handler isolation.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { Informer } from './informer.ts';
import { createLogger } from './logger.ts';
import type { KubeObject } from './types.ts';

const ref = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const obj = (name: string, rv: string): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: rv },
});

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (b: Buffer) => {
    for (const l of b.toString().split('\n')) if (l) lines.push(JSON.parse(l));
  });
  return { logger: createLogger({ stream, level: 'debug' }), lines };
}

/** A quiet informer over configmaps (never started: the tests feed it), and the events it emits. */
function recorded(selection: { labelSelector?: string } = {}) {
  const inf = new Informer({
    kubeConfig: new KubeConfig(),
    resource: ref,
    logger: createLogger({ silent: true }),
    ...selection,
  });
  const events: string[] = [];
  inf.addEventHandler({
    onAdd: (o) => void events.push(`add ${o.metadata?.name}`),
    onUpdate: (_o, n) => void events.push(`update ${n.metadata?.name}`),
    onDelete: (o) => void events.push(`delete ${o.metadata?.name}`),
  });
  return { inf, events };
}

describe('Informer', () => {
  it('emits adds, updates and deletes, and relists as a diff', async () => {
    const { inf, events } = recorded();
    assert.equal(inf.hasSynced(), false);
    inf.replace([obj('a', '1'), obj('b', '1')]);
    await inf.synced;
    inf.upsert(obj('a', '2'));
    inf.remove(obj('b', '3'));
    inf.remove(obj('never-seen', '4'));
    inf.replace([obj('a', '2'), obj('c', '5')]);
    assert.deepEqual(events, ['add a', 'add b', 'update a', 'delete b', 'add c']);
    assert.deepEqual(
      inf
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
      ['a', 'c'],
    );
  });

  it('stores unchanged objects again, silently, on a relist asked for by a wider transform', () => {
    const inf = new Informer({
      kubeConfig: new KubeConfig(),
      resource: ref,
      logger: createLogger({ silent: true }),
    });
    const slim = obj('a', '1');
    inf.replace([slim]);
    const events: string[] = [];
    inf.addEventHandler({ onUpdate: (_o, n) => void events.push(`update ${n.metadata?.name}`) });
    const wider = { ...slim, metadata: { ...slim.metadata, annotations: { kept: 'now' } } };
    inf.replace([wider]);
    assert.equal(inf.get('ns', 'a'), slim, 'a plain relist keeps the cached copy of an unchanged object');
    inf.replace([wider], true);
    assert.equal(inf.get('ns', 'a'), wider);
    assert.deepEqual(events, [], 'nothing happened to the object');
  });

  it('replays cached objects to a handler added late', () => {
    const inf = new Informer({
      kubeConfig: new KubeConfig(),
      resource: ref,
      logger: createLogger({ silent: true }),
    });
    inf.replace([obj('a', '1')]);
    const seen: string[] = [];
    const off = inf.addEventHandler({ onAdd: (o) => void seen.push(o.metadata?.name ?? '') });
    assert.deepEqual(seen, ['a']);
    off();
    inf.upsert(obj('b', '2'));
    assert.deepEqual(seen, ['a'], 'unregistered handlers get nothing');
  });

  it('isolates throwing and rejecting handlers: the cache and other handlers carry on, errors are logged', async () => {
    const { logger, lines } = capture();
    const inf = new Informer({ kubeConfig: new KubeConfig(), resource: ref, logger });
    const good: string[] = [];
    inf.addEventHandler({
      onAdd: () => {
        throw new Error('sync boom');
      },
      onUpdate: async () => {
        throw new Error('async boom');
      },
    });
    inf.addEventHandler({ onAdd: (o) => void good.push(o.metadata?.name ?? '') });
    inf.replace([obj('a', '1')]);
    inf.upsert(obj('a', '2'));
    inf.upsert(obj('b', '1'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(good, ['a', 'b']);
    assert.equal(inf.get('ns', 'a')?.metadata?.resourceVersion, '2');
    assert.equal(inf.handlerErrors, 3);
    const errors = lines.filter((l) => l.message === 'event handler failed');
    assert.deepEqual(
      errors.map((l) => [l.error, l.key]),
      [
        ['sync boom', 'ns/a'],
        ['sync boom', 'ns/b'],
        ['async boom', 'ns/a'],
      ],
    );
  });

  it('shows a created object before its watch event, once, and only into a synced cache of everything', async () => {
    const { inf, events } = recorded();
    inf.assumeCreated(obj('early', '1'));
    assert.equal(inf.get('ns', 'early'), undefined, 'not before the first list');
    inf.replace([obj('a', '1')]);
    inf.assumeCreated({ ...obj('c', '5'), metadata: { ...obj('c', '5').metadata, managedFields: [{}] } });
    assert.equal(inf.get('ns', 'c')?.metadata?.managedFields, undefined, 'through the transform');
    inf.upsert(obj('c', '5')); // the watch's ADDED for the same version: nothing new
    inf.upsert(obj('c', '6'));
    inf.assumeCreated(obj('a', '9')); // something of that name is cached: left to the watch
    assert.equal(inf.get('ns', 'a')?.metadata?.resourceVersion, '1');
    assert.deepEqual(events, ['add a', 'add c', 'update c']);
    const selective = recorded({ labelSelector: 'team=a' }).inf;
    selective.replace([]);
    selective.assumeCreated(obj('d', '1'));
    assert.equal(selective.get('ns', 'd'), undefined, 'a selective cache might not hold it');
  });
});

// The informer against a real apiserver: its cache converges to a fresh LIST after churn across an apiserver
// restart and a hung (SIGSTOPped) apiserver, and throwing handlers never take the process down.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createClient, createLogger, InformerFactory } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import {
  cacheState,
  churn,
  configMaps,
  describeDiff,
  ensureNamespace,
  listState,
  sameState,
} from './support.ts';

const plane = useControlPlane({ controllerManager: false });
const logger = createLogger({ silent: true });

async function converged(factory: InformerFactory, namespace: string) {
  const client = createClient(plane.current.kubeConfig);
  const informer = factory.informerFor(configMaps, { namespace });
  let last = '';
  try {
    await eventually(
      'the cache to equal a fresh LIST',
      async () => {
        const [cache, list] = [cacheState(informer, namespace), await listState(client, namespace)];
        last = describeDiff(cache, list);
        return sameState(cache, list);
      },
      60_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; differences: ${last}`);
  }
}

describe('informer against a real apiserver', () => {
  it('cache equals a fresh LIST after churn across an apiserver restart', async (t: TestContext) => {
    const client = createClient(plane.current.kubeConfig);
    await ensureNamespace(client, 'restart');
    const factory = new InformerFactory(plane.current.kubeConfig, logger, {
      pageSize: 5, // several pages per list, so pagination is exercised on every relist
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    const informer = factory.informerFor(configMaps, { namespace: 'restart' });
    t.after(() => factory.stop());
    const events = { add: 0, update: 0, delete: 0 };
    informer.addEventHandler({
      onAdd: () => void events.add++,
      onUpdate: () => void events.update++,
      onDelete: () => void events.delete++,
    });
    factory.start();
    await informer.synced;
    const stop = new AbortController();
    const churning = churn(client, 'restart', stop.signal, { names: 30 });
    await new Promise((r) => setTimeout(r, 1500));
    await plane.current.restartApiserver();
    await new Promise((r) => setTimeout(r, 1500));
    stop.abort();
    const counts = await churning;
    assert.ok(counts.ok > 20, `churn made progress (${JSON.stringify(counts)})`);
    await converged(factory, 'restart');
    assert.ok(informer.stats.errors + informer.stats.gone >= 1, 'the informer saw the restart');
    assert.ok(informer.stats.watches >= 2, 'and watched again afterwards');
    assert.ok(events.add > 0 && events.update > 0 && events.delete > 0, JSON.stringify(events));
  });

  it('a hung apiserver trips the watchdog, and the cache recovers after it resumes', async (t: TestContext) => {
    const client = createClient(plane.current.kubeConfig);
    await ensureNamespace(client, 'hung');
    // A 2 s server timeout + 1 s slack: a silent watch is abandoned after 3 s instead of 330–630 s.
    const factory = new InformerFactory(plane.current.kubeConfig, logger, {
      watchTimeoutSeconds: { min: 2, max: 2 },
      watchdogSlackMs: 1000,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    const informer = factory.informerFor(configMaps, { namespace: 'hung' });
    t.after(() => factory.stop());
    factory.start();
    await informer.synced;
    await client.create(configMaps, { metadata: { name: 'before', namespace: 'hung' } });
    plane.current.apiserver.pause(true);
    try {
      await eventually(
        'the watchdog to abort the silent watch',
        () => informer.stats.watchdogAborts >= 1,
        15_000,
      );
    } finally {
      plane.current.apiserver.pause(false);
    }
    await client.create(configMaps, { metadata: { name: 'after', namespace: 'hung' } });
    await converged(factory, 'hung');
    assert.ok(informer.get('hung', 'after'));
  });

  it('handlers that throw or reject never kill the process; the cache still converges', async (t: TestContext) => {
    const client = createClient(plane.current.kubeConfig);
    await ensureNamespace(client, 'throwing');
    const factory = new InformerFactory(plane.current.kubeConfig, logger);
    const informer = factory.informerFor(configMaps, { namespace: 'throwing' });
    t.after(() => factory.stop());
    let calls = 0;
    informer.addEventHandler({
      onAdd: () => {
        calls++;
        throw new Error('handler bug');
      },
      onUpdate: async () => {
        calls++;
        throw new Error('async handler bug');
      },
      onDelete: () => {
        calls++;
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    factory.start();
    await informer.synced;
    for (let i = 0; i < 5; i++)
      await client.create(configMaps, { metadata: { name: `t${i}`, namespace: 'throwing' } });
    for (let i = 0; i < 5; i++)
      await client.patch(configMaps, 'throwing', `t${i}`, 'merge', { data: { x: '1' } });
    for (let i = 0; i < 5; i += 2) await client.delete(configMaps, 'throwing', `t${i}`);
    await converged(factory, 'throwing');
    await eventually('every handler call', () => calls >= 13);
    process.off('unhandledRejection', onUnhandled);
    assert.equal(informer.handlerErrors, calls);
    assert.deepEqual(unhandled, [], 'no unhandled rejection escaped');
  });
});

// Forced watch expiry: the informer resumes from a resourceVersion that etcd has compacted away, gets
// `410 Gone`, relists, and emits what it missed as adds, updates and deletes.
// The apiserver runs without a watch cache for ConfigMaps (watches go straight to etcd, no bookmarks move the
// resourceVersion forward) and compacts every 2 s, so "older than compaction" happens within seconds.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  createClient,
  createLogger,
  InformerFactory,
  KubeApiError,
  openStream,
} from '../../../src/runtime/index.ts';
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

const plane = useControlPlane({
  controllerManager: false,
  apiserverArgs: ['--watch-cache-sizes=configmaps#0', '--etcd-compaction-interval=2s'],
});

/** True once a watch from `rv` is refused with 410 (HTTP status or ERROR event), i.e. etcd compacted past it. */
async function compactedPast(kc: KubeConfig, namespace: string, rv: string): Promise<boolean> {
  try {
    const res = await openStream(kc, {
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      query: { watch: 1, resourceVersion: rv, timeoutSeconds: 1 },
    });
    let text = '';
    for await (const chunk of res) text += String(chunk);
    return text.split('\n').some((line) => line.includes('"type":"ERROR"') && line.includes('"code":410'));
  } catch (err) {
    return err instanceof KubeApiError && err.status === 410;
  }
}

describe('informer and 410 Gone', () => {
  it('relists after resuming from a compacted resourceVersion and emits the missed changes', async (t: TestContext) => {
    const kc = plane.current.kubeConfig;
    const client = createClient(kc);
    const ns = 'gone';
    await ensureNamespace(client, ns);
    const labels = { app: 'watched' };
    for (const name of ['keep', 'change', 'drop']) {
      await client.create(configMaps, { metadata: { name, namespace: ns, labels }, data: { v: '1' } });
    }
    const factory = new InformerFactory(kc, createLogger({ silent: true }), {
      backoff: { initialMs: 100, maxMs: 500 },
    });
    const informer = factory.informerFor(configMaps, { namespace: ns, labelSelector: 'app=watched' });
    const events: string[] = [];
    informer.addEventHandler({
      onAdd: (o) => void events.push(`add ${o.metadata?.name}`),
      onUpdate: (_o, n) => void events.push(`update ${n.metadata?.name}`),
      onDelete: (o) => void events.push(`delete ${o.metadata?.name}`),
    });
    t.after(() => factory.stop());
    factory.start();
    await informer.synced;
    assert.deepEqual(events.sort(), ['add change', 'add drop', 'add keep']);
    await informer.stop(); // the watch ends; the informer keeps its cache and resourceVersion
    const resumeFrom = informer.stats.lastResourceVersion;
    events.length = 0;

    await client.patch(configMaps, ns, 'change', 'merge', { data: { v: '2' } });
    await client.delete(configMaps, ns, 'drop');
    await client.create(configMaps, { metadata: { name: 'added', namespace: ns, labels } });
    const noise = new AbortController();
    const churning = churn(client, ns, noise.signal, { names: 5, pauseMs: 20 }); // unlabelled: invisible to it
    try {
      await eventually(
        `etcd to compact past ${resumeFrom}`,
        () => compactedPast(kc, ns, resumeFrom),
        60_000,
        500,
      );
    } finally {
      noise.abort();
      await churning;
    }

    const goneBefore = informer.stats.gone;
    informer.start();
    await eventually('the informer to hit 410 and relist', () => informer.stats.gone > goneBefore, 30_000);
    let diff = '';
    await eventually('the cache to equal a fresh LIST', async () => {
      const [cache, list] = [cacheState(informer, ns), await listState(client, ns, 'app=watched')];
      diff = describeDiff(cache, list);
      return sameState(cache, list);
    }).catch((err: Error) => assert.fail(`${err.message}: ${diff}`));
    assert.deepEqual(events.sort(), ['add added', 'delete drop', 'update change']);
    assert.equal(informer.stats.lists, 2, 'exactly one relist');
  });
});

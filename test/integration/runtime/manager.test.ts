// The manager in-process against a real apiserver: /readyz stays false until the caches have synced,
// /metrics serves controller-runtime's series, a clean stop releases the Lease; Events are aggregated.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  createClient,
  createLogger,
  KubeEventRecorder,
  type KubeObject,
  kubeRequest,
  Manager,
} from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { configMaps, ensureNamespace, parseMetrics } from './support.ts';

const plane = useControlPlane({ controllerManager: false });
const logger = createLogger({ silent: true });
const get = async (port: number | undefined, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
};

describe('manager', () => {
  it('is not ready until caches sync, then reconciles and exposes controller metrics', async (t: TestContext) => {
    const kc = plane.current.kubeConfig;
    const client = createClient(kc);
    await ensureNamespace(client, 'mgr');
    const manager = new Manager({
      kubeConfig: kc,
      logger,
      probes: { port: 0, host: '127.0.0.1' },
      metrics: { port: 0, host: '127.0.0.1' },
      handleSignals: false,
      leaderElection: {
        namespace: 'mgr',
        name: 'inproc',
        leaseDurationMs: 4000,
        renewDeadlineMs: 3000,
        retryPeriodMs: 500,
      },
    });
    const reconciled = new Set<string>();
    const controller = manager.newController({
      name: 'cm',
      reconciler: async (_ctx, req) => {
        reconciled.add(req.name);
        return {};
      },
    });
    controller.watch({ informer: manager.informers.informerFor(configMaps, { namespace: 'mgr' }) });

    const stop = new AbortController();
    plane.current.apiserver.pause(true); // the first LIST cannot complete: the cache cannot sync
    let running: Promise<void> | undefined;
    try {
      running = manager.start(stop.signal);
      t.after(() => stop.abort());
      await manager.listening;
      for (let i = 0; i < 3; i++) {
        const ready = await get(manager.probePort, '/readyz?verbose');
        assert.equal(ready.status, 500);
        assert.match(ready.body, /\[-\]informers-synced failed: waiting for configmaps/);
        assert.equal((await get(manager.probePort, '/healthz')).status, 200, 'alive while not ready');
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      plane.current.apiserver.pause(false);
    }
    await eventually(
      'readyz to pass once synced',
      async () => (await get(manager.probePort, '/readyz')).status === 200,
    );

    for (const name of ['m1', 'm2', 'm3'])
      await client.create(configMaps, { metadata: { name, namespace: 'mgr' } });
    await eventually('all reconciled', () => ['m1', 'm2', 'm3'].every((n) => reconciled.has(n)));

    const metrics = await get(manager.metricsPort, '/metrics');
    assert.equal(metrics.status, 200);
    const samples = parseMetrics(metrics.body);
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    assert.ok(
      (value('controller_runtime_reconcile_total', { controller: 'cm', result: 'success' }) ?? 0) >= 3,
    );
    assert.equal(value('controller_runtime_reconcile_total', { controller: 'cm', result: 'error' }), 0);
    assert.equal(value('controller_runtime_max_concurrent_reconciles', { controller: 'cm' }), 1);
    assert.equal(value('controller_runtime_active_workers', { controller: 'cm' }), 0);
    assert.ok((value('controller_runtime_reconcile_time_seconds_count', { controller: 'cm' }) ?? 0) >= 3);
    assert.ok((value('workqueue_adds_total', { name: 'cm', controller: 'cm' }) ?? 0) >= 3);
    assert.equal(value('workqueue_depth', { name: 'cm' }), 0);
    assert.ok((value('workqueue_queue_duration_seconds_count', { name: 'cm' }) ?? 0) >= 3);
    assert.equal(value('leader_election_master_status', { name: 'inproc' }), 1);
    assert.notEqual(value('process_cpu_user_seconds_total'), undefined, 'default process metrics');

    stop.abort();
    await running;
    const lease = await kubeRequest<{ spec: { holderIdentity?: string } }>(kc, {
      method: 'GET',
      path: '/apis/coordination.k8s.io/v1/namespaces/mgr/leases/inproc',
    });
    assert.equal(lease.spec.holderIdentity ?? '', '', 'the lease is released on a clean stop');
  });
});

describe('event recorder', () => {
  it('aggregates repeats into one Event with a count, keeps distinct messages apart', async () => {
    const kc = plane.current.kubeConfig;
    const client = createClient(kc);
    await ensureNamespace(client, 'events');
    const cm = await client.create<KubeObject>(configMaps, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'subject', namespace: 'events' },
    });
    const recorder = new KubeEventRecorder(kc, logger, { component: 'runtime-test' });
    for (let i = 0; i < 3; i++) recorder.event(cm, 'Warning', 'QuotaExceeded', 'no room for 5 cpus');
    recorder.event(cm, 'Warning', 'QuotaExceeded', 'no room for 7 cpus');
    recorder.event({ metadata: {} }, 'Normal', 'Broken', 'an object without a name must not throw');
    await recorder.flush();
    const list = await kubeRequest<{
      items: { message: string; count: number; involvedObject: { uid: string } }[];
    }>(kc, {
      method: 'GET',
      path: '/api/v1/namespaces/events/events',
      query: { fieldSelector: 'involvedObject.name=subject' },
    });
    const byMessage = new Map(list.items.map((e) => [e.message, e]));
    assert.equal(list.items.length, 2);
    assert.equal(byMessage.get('no room for 5 cpus')?.count, 3);
    assert.equal(byMessage.get('no room for 7 cpus')?.count, 1);
    assert.equal(byMessage.get('no room for 5 cpus')?.involvedObject.uid, cm.metadata?.uid);
  });
});

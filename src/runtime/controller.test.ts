// Controller semantics without a cluster: the informer is fed through its own input API (replace/upsert/
// remove, what the reflector calls), so queue, worker loop and metrics run for real.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import { Controller, type Source } from './controller.ts';
import { enqueueOwner, eventObjects } from './handler.ts';
import { Informer } from './informer.ts';
import { KubeApiError } from './kube-http.ts';
import { createLogger, type LogFields, type Logger } from './logger.ts';
import { generationChanged } from './predicate.ts';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';
import { type Reconciler, type Result, TerminalError } from './reconcile.ts';
import { LeaderElectionLostError, ShutdownError } from './runnable.ts';
import type { KubeObject, Request } from './types.ts';

const logger = createLogger({ silent: true });
const ref = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
const obj = (name: string, rv = '1', extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `u-${name}`, resourceVersion: rv, ...extra },
});
const informer = () => new Informer({ kubeConfig: new KubeConfig(), resource: ref, logger });
const waitFor = async (cond: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
};

function harness(
  reconciler: Reconciler,
  opts: { workers?: number; sources?: (i: Informer) => Source[] } = {},
) {
  const inf = informer();
  const registry = new Registry();
  const controller = new Controller({
    name: 'test',
    reconciler,
    logger,
    registry,
    maxConcurrentReconciles: opts.workers ?? 1,
    rateLimiter: new ItemExponentialRateLimiter(1, 8),
    gracefulShutdownTimeoutMs: 2000,
  });
  for (const source of opts.sources?.(inf) ?? [{ informer: inf }]) controller.watch(source);
  const stop = new AbortController();
  const running = controller.start(stop.signal);
  const metric = async (name: string, labels: Record<string, string>) =>
    (await registry.getSingleMetric(name)?.get())?.values.find((v) =>
      Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    )?.value;
  return { inf, controller, stop, running, metric };
}

describe('Controller', () => {
  it('waits for the cache, then reconciles each object once', async () => {
    const seen: string[] = [];
    const h = harness(async (_ctx, req) => {
      seen.push(req.name);
      return {};
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, [], 'no work before the cache has synced');
    h.inf.replace([obj('a'), obj('b')]);
    await waitFor(() => seen.length === 2);
    h.stop.abort();
    await h.running;
    assert.deepEqual(seen.sort(), ['a', 'b']);
    assert.equal(await h.metric('controller_runtime_reconcile_total', { result: 'success' }), 2);
  });

  it('retries errors with backoff until success, and gives up on TerminalError', async () => {
    const attempts = new Map<string, number>();
    const h = harness(async (_ctx, req) => {
      const n = (attempts.get(req.name) ?? 0) + 1;
      attempts.set(req.name, n);
      if (req.name === 'flaky' && n < 3) throw new Error('transient');
      if (req.name === 'bad') throw new TerminalError('invalid spec');
      return {};
    });
    h.inf.replace([obj('flaky'), obj('bad')]);
    await waitFor(() => attempts.get('flaky') === 3);
    await new Promise((r) => setTimeout(r, 50));
    h.stop.abort();
    await h.running;
    assert.equal(attempts.get('bad'), 1, 'a terminal error is not retried');
    assert.equal(await h.metric('controller_runtime_reconcile_errors_total', {}), 3);
    assert.equal(await h.metric('controller_runtime_terminal_reconcile_errors_total', {}), 1);
    assert.equal(await h.metric('controller_runtime_reconcile_total', { result: 'error' }), 3);
    assert.equal(await h.metric('workqueue_retries_total', { name: 'test' }), 2);
  });

  it('logs a retried 409 Conflict at debug and other retried failures at error', async () => {
    const lines: { level: string; message: string; status?: unknown }[] = [];
    const record =
      (level: string) =>
      (message: string, fields?: LogFields): void => {
        lines.push({ level, message, status: fields?.status });
      };
    const recording: Logger = {
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
      child: () => recording,
    };
    let n = 0;
    const inf = informer();
    const controller = new Controller({
      name: 'conflicts',
      logger: recording,
      rateLimiter: new ItemExponentialRateLimiter(1, 8),
      reconciler: async () => {
        n++;
        if (n === 1) throw new KubeApiError(409, 'Conflict', 'the object has been modified');
        if (n === 2) throw new KubeApiError(500, 'InternalError', 'etcdserver: request timed out');
        return {};
      },
    });
    controller.watch({ informer: inf });
    const stop = new AbortController();
    const running = controller.start(stop.signal);
    inf.replace([obj('a')]);
    await waitFor(() => n === 3);
    stop.abort();
    await running;
    const failures = lines.filter((line) => line.message.includes('retrying'));
    assert.deepEqual(
      failures.map(({ level, status }) => ({ level, status })),
      [
        { level: 'debug', status: 409 },
        { level: 'error', status: 500 },
      ],
    );
  });

  it('requeueAfterMs and requeue run the request again', async () => {
    const runs: string[] = [];
    const h = harness(async (_ctx, req): Promise<Result> => {
      runs.push(req.name);
      const n = runs.filter((r) => r === req.name).length;
      if (req.name === 'later' && n === 1) return { requeueAfterMs: 30 };
      if (req.name === 'again' && n === 1) return { requeue: true };
      return {};
    });
    h.inf.replace([obj('later'), obj('again')]);
    await waitFor(() => runs.length === 4);
    h.stop.abort();
    await h.running;
    assert.equal(await h.metric('controller_runtime_reconcile_total', { result: 'requeue_after' }), 1);
    assert.equal(await h.metric('controller_runtime_reconcile_total', { result: 'requeue' }), 1);
  });

  it('with N workers never reconciles one key concurrently, yet sees the latest change', async () => {
    const active = new Set<string>();
    let overlaps = 0;
    let lastSeenRv = '';
    const h = harness(
      async (_ctx, req) => {
        if (active.has(req.name)) overlaps++;
        active.add(req.name);
        await new Promise((r) => setTimeout(r, 3));
        if (req.name === 'hot') lastSeenRv = h.inf.get('ns', 'hot')?.metadata?.resourceVersion ?? '';
        active.delete(req.name);
        return {};
      },
      { workers: 4 },
    );
    h.inf.replace([obj('hot'), obj('x'), obj('y')]);
    for (let rv = 2; rv <= 60; rv++) {
      h.inf.upsert(obj('hot', String(rv)));
      if (rv % 10 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await waitFor(() => lastSeenRv === '60');
    h.stop.abort();
    await h.running;
    assert.equal(overlaps, 0);
  });

  it('maps owned objects to their owner and filters with predicates', async () => {
    const seen: Request[] = [];
    const owned = informer();
    const h = harness(
      async (_ctx, req) => {
        seen.push(req);
        return {};
      },
      {
        sources: (own) => [
          { informer: own, predicates: [generationChanged] },
          { informer: owned, map: enqueueOwner({ group: 'apps', kind: 'Deployment' }) },
        ],
      },
    );
    h.inf.replace([obj('owner', '1', { generation: 1 })]);
    const ownerRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'dep', uid: 'u', controller: true };
    owned.replace([obj('child', '1', { ownerReferences: [ownerRef] })]);
    await waitFor(() => seen.length === 2);
    h.inf.upsert(obj('owner', '2', { generation: 1 })); // status-only write: filtered
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(seen.length, 2);
    h.inf.upsert(obj('owner', '3', { generation: 2 }));
    await waitFor(() => seen.length === 3);
    h.stop.abort();
    await h.running;
    assert.deepEqual(
      seen.map((r) => `${r.namespace}/${r.name}`),
      ['ns/owner', 'ns/dep', 'ns/owner'],
    );
  });
});

describe('Controller event mapping', () => {
  it('runs one reconcile when an event maps its old and new object to the same request', async () => {
    let runs = 0;
    const h = harness(
      async () => {
        runs += 1;
        return {};
      },
      {
        workers: 2,
        sources: (own) => [
          {
            informer: own,
            map: (event) => eventObjects(event).map(() => ({ namespace: 'ns', name: 'one' })),
          },
        ],
      },
    );
    h.inf.replace([obj('a')]);
    await waitFor(() => runs === 1);
    h.inf.upsert(obj('a', '2')); // an update: old and new object, one request
    await waitFor(() => runs >= 2);
    await new Promise((r) => setTimeout(r, 30));
    h.stop.abort();
    await h.running;
    assert.equal(runs, 2);
  });
});

describe('Controller shutdown', () => {
  it('lets an in-flight reconcile finish on a graceful stop, without aborting its signal', async () => {
    let finished = false;
    let abortedDuring = false;
    const h = harness(async (ctx) => {
      await new Promise((r) => setTimeout(r, 100));
      abortedDuring = ctx.signal.aborted;
      finished = true;
      return {};
    });
    h.inf.replace([obj('slow')]);
    await new Promise((r) => setTimeout(r, 20));
    h.stop.abort(new ShutdownError());
    await h.running;
    assert.equal(finished, true, 'start() returned only after the reconcile finished');
    assert.equal(abortedDuring, false);
  });

  it('aborts in-flight reconciles at once when leadership is lost', async () => {
    let aborted = false;
    const h = harness(
      (ctx) =>
        new Promise<Result>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason instanceof LeaderElectionLostError;
            resolve({});
          });
        }),
    );
    h.inf.replace([obj('long')]);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    h.stop.abort(new LeaderElectionLostError());
    await h.running;
    assert.equal(aborted, true);
    assert.ok(Date.now() - started < 500);
  });

  it('can start again after a stop and replays the cache', async () => {
    const seen: string[] = [];
    const h = harness(async (_ctx, req) => {
      seen.push(req.name);
      return {};
    });
    h.inf.replace([obj('a')]);
    await waitFor(() => seen.length === 1);
    h.stop.abort();
    await h.running;
    const again = new AbortController();
    const running = h.controller.start(again.signal);
    await waitFor(() => seen.length === 2);
    again.abort();
    await running;
  });

  it('rejects bad options with the field name', () => {
    const reconciler: Reconciler = async () => ({});
    assert.throws(() => new Controller({ name: '', reconciler, logger }), /name is required/);
    assert.throws(
      () => new Controller({ name: 'x', reconciler, logger, maxConcurrentReconciles: 0 }),
      /maxConcurrentReconciles must be an integer >= 1/,
    );
  });
});

// Manager lifecycle without an apiserver: servers, runnable ordering and shutdown. (Caches, leader
// election and probes against real caches are in test/integration/runtime.)
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from './logger.ts';
import { Manager } from './manager.ts';
import { type Runnable, ShutdownError } from './runnable.ts';

const local = { port: 0, host: '127.0.0.1' };
const manager = () =>
  new Manager({
    kubeConfig: new KubeConfig(),
    logger: createLogger({ silent: true }),
    probes: local,
    metrics: local,
    handleSignals: false,
  });

describe('Manager lifecycle', () => {
  it('runs runnables until stopped, then stops them with a ShutdownError reason and fails readyz meanwhile', async () => {
    const mgr = manager();
    const log: string[] = [];
    let readyDuringStop = 0;
    const runnable = (name: string, needLeaderElection: boolean): Runnable => ({
      name,
      needLeaderElection,
      start: async (signal) => {
        log.push(`start ${name}`);
        await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        if (name === 'leader')
          readyDuringStop = (await fetch(`http://127.0.0.1:${mgr.probePort}/readyz`)).status;
        log.push(`stop ${name} ${signal.reason instanceof ShutdownError}`);
      },
    });
    mgr.add(runnable('webhook', false));
    mgr.add(runnable('leader', true));
    mgr.addReadyCheck('custom', () => true);
    const stop = new AbortController();
    const running = mgr.start(stop.signal);
    await mgr.elected;
    await mgr.listening;
    assert.equal((await fetch(`http://127.0.0.1:${mgr.probePort}/readyz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${mgr.metricsPort}/metrics`)).status, 200);
    assert.throws(() => mgr.add(runnable('late', false)), /before Manager.start/);
    stop.abort();
    await running;
    assert.deepEqual(log, ['start webhook', 'start leader', 'stop leader true', 'stop webhook true']);
    assert.equal(readyDuringStop, 500, 'readyz fails as soon as the stop begins');
  });

  it('stops everything and rejects when a runnable fails', async () => {
    const mgr = manager();
    let otherStopped = false;
    mgr.add({ name: 'broken', start: async () => Promise.reject(new Error('bind failed')) });
    mgr.add({
      name: 'other',
      start: (signal) =>
        new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            otherStopped = true;
            resolve();
          }),
        ),
    });
    await assert.rejects(mgr.start(), /bind failed/);
    assert.equal(otherStopped, true);
  });

  it('names the server and port when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const mgr = new Manager({
        kubeConfig: new KubeConfig(),
        logger: createLogger({ silent: true }),
        probes: local,
        metrics: { port, host: '127.0.0.1' },
        handleSignals: false,
      });
      await assert.rejects(
        mgr.start(),
        new RegExp(`metrics \\(options.metrics\\) server cannot listen on port ${port}`),
      );
    } finally {
      blocker.close();
    }
  });
});

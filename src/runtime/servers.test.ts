import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Backoff } from './backoff.ts';
import { counter } from './metrics.ts';
import { type Check, close, metricsHandler, probeHandler, serve } from './servers.ts';

async function get(port: number, path: string) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe('probe server', () => {
  it('answers healthz/readyz from named checks, verbose on request', async () => {
    let ready = false;
    const readyChecks = new Map<string, Check>([
      ['informers-synced', () => ready],
      ['webhook-tls', async () => true],
    ]);
    const { server, port } = await serve(probeHandler(new Map([['ping', () => true]]), readyChecks), {
      port: 0,
      host: '127.0.0.1',
    });
    try {
      assert.equal((await get(port, '/healthz')).status, 200);
      const notReady = await get(port, '/readyz');
      assert.equal(notReady.status, 500);
      assert.match(notReady.body, /\[-\]informers-synced failed: not ready/);
      assert.match(notReady.body, /\[\+\]webhook-tls ok/);
      ready = true;
      assert.deepEqual(await get(port, '/readyz'), { status: 200, body: 'ok\n' });
      assert.match((await get(port, '/readyz?verbose')).body, /readyz check passed/);
      assert.equal((await get(port, '/nope')).status, 404);
    } finally {
      await close(server);
    }
  });

  it('reports a throwing check with its message', async () => {
    const checks = new Map<string, Check>([
      [
        'boom',
        () => {
          throw new Error('cert missing');
        },
      ],
    ]);
    const { server, port } = await serve(probeHandler(checks, new Map()), { port: 0, host: '127.0.0.1' });
    try {
      const res = await get(port, '/healthz');
      assert.equal(res.status, 500);
      assert.match(res.body, /boom failed: cert missing/);
    } finally {
      await close(server);
    }
  });
});

describe('metrics server', () => {
  it('serves the registry in the Prometheus text format', async () => {
    const registry = new Registry();
    counter(registry, { name: 'things_total', help: 'things', labelNames: ['kind'] }).inc({ kind: 'a' }, 3);
    const { server, port } = await serve(metricsHandler(registry), { port: 0, host: '127.0.0.1' });
    try {
      const res = await get(port, '/metrics');
      assert.equal(res.status, 200);
      assert.match(res.body, /^things_total\{kind="a"\} 3$/m);
    } finally {
      await close(server);
    }
  });
});

describe('Backoff', () => {
  it('grows by the factor, caps, adds bounded jitter, and resets', () => {
    const noJitter = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    assert.deepEqual(
      Array.from({ length: 6 }, () => noJitter.next()),
      [100, 200, 400, 800, 1000, 1000],
    );
    noJitter.reset();
    assert.equal(noJitter.next(), 100);
    const full = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 1 }, () => 0.999);
    assert.ok(full.next() < 200);
    assert.throws(() => new Backoff({ initialMs: 0 }), /initialMs > 0/);
  });
});

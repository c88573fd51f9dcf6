import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger } from './logger.ts';
import { nextPageLimit, PAGE_LIMITS, Reflector } from './reflector.ts';

describe('adaptive LIST pages', () => {
  it("starts at client-go's 500 and grows towards the byte target for small objects", () => {
    assert.equal(nextPageLimit(0, 0), 500);
    // 500 claims of ~1 KB: 16 MiB holds ~16,000, capped at 10,000
    assert.equal(nextPageLimit(500, 500 * 1000), PAGE_LIMITS.max);
    // ~4 KB objects: 16 MiB / 4 KiB = 4,096
    assert.equal(nextPageLimit(1000, 1000 * 4096), 4096);
  });

  it('never goes below 500, however large the objects (250 KB annotations)', () => {
    assert.equal(nextPageLimit(500, 500 * 250_000), PAGE_LIMITS.min);
  });
});

/** A fake apiserver answering lists and watches of one kind from a script, recording each request's query. */
async function fakeApiserver(
  answer: (
    query: URLSearchParams,
    n: number,
  ) => { status: number; body: string; headers?: Record<string, string> },
) {
  const queries: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    queries.push(query);
    const { status, body, headers } = answer(query, queries.length);
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'c',
        server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        skipTLSVerify: true,
      },
    ],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { queries, kubeConfig, close: () => server.close() };
}

const list = (rv: string) =>
  JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: rv }, items: [] });
const status = (code: number, reason: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: reason });

describe('Reflector lists (client-go relistResourceVersion)', () => {
  it('lists from the watch cache (rv 0, no pages), relists not older than the last rv, and consistently after a 410', async () => {
    const api = await fakeApiserver((q, n) => {
      if (q.get('watch') === '1')
        // the watch from rv 7 is gone: a relist follows
        return { status: 200, body: `${JSON.stringify({ type: 'ERROR', object: { code: 410 } })}\n` };
      if (n === 1)
        return { status: 429, body: status(429, 'TooManyRequests'), headers: { 'Retry-After': '1' } };
      if (n === 2) return { status: 200, body: list('7') };
      if (n === 4) return { status: 410, body: status(410, 'Expired') };
      return { status: 200, body: list('9') };
    });
    const stop = new AbortController();
    const reflector = new Reflector(
      {
        kubeConfig: api.kubeConfig,
        resource: { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' },
        logger: createLogger({ silent: true }),
        backoff: { initialMs: 1, maxMs: 1 },
      },
      { replace: () => {}, upsert: () => {}, remove: () => {} },
    );
    const run = reflector.run(stop.signal);
    while (api.queries.length < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    await run;
    api.close();
    const [busy, first, watch, relist, consistent] = api.queries.map((q) => Object.fromEntries(q));
    assert.deepEqual(busy, { resourceVersion: '0' }); // no limit: one answer from the cache
    assert.deepEqual(first, { resourceVersion: '0' });
    assert.equal(watch?.resourceVersion, '7');
    assert.deepEqual(relist, { resourceVersion: '7', resourceVersionMatch: 'NotOlderThan' });
    assert.deepEqual(consistent, { limit: '500' }); // after a 410 on a list: most recent, in pages
  });
});

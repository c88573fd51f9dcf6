// One watch connection against a local server answering like the apiserver: events until the server ends the
// watch, an ERROR event or a refused watch as KubeApiError, a silent connection cut.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { testKubeConfig } from './fake/fixtures.ts';
import { isGone, KubeApiError } from './kube-http.ts';
import type { ResourceRef } from './types.ts';
import { type WatchConnectionRequest, WatchIdleError, watchConnection } from './watch-connection.ts';
import type { WatchEvent } from './watch-events.ts';

const line = (type: string, object: object) => `${JSON.stringify({ type, object })}\n`;
const cm = (rv: string) => ({ metadata: { name: 'a', namespace: 'ns', resourceVersion: rv } });

/** namespace → how the server answers a watch there. */
const ANSWERS: Record<string, (res: http.ServerResponse) => void> = {
  events: (res) => res.end(line('ADDED', cm('5')) + line('BOOKMARK', cm('7'))),
  expired: (res) =>
    res.end(line('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' })),
  forbidden: (res) => {
    res.statusCode = 403;
    res.end(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'cannot watch' }));
  },
  silent: (res) => res.write(''),
  open: (res) => {
    res.write(line('ADDED', cm('5'))); // one event, then the watch stays open
    res.on('close', () => closedByClient.push('open'));
  },
  failing: (res) =>
    res.end(line('ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd' })),
};

/** Watches whose connection the client closed, as the server saw it. */
const closedByClient: string[] = [];

const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

describe('watchConnection', () => {
  let server: http.Server;
  let kc: KubeConfig;
  const queries: URLSearchParams[] = [];
  const accepts: (string | undefined)[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      queries.push(url.searchParams);
      accepts.push(req.headers.accept);
      ANSWERS[url.pathname.split('/')[4] ?? '']?.(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kc = testKubeConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { token: 't' });
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const watch = (namespace: string, more: Partial<WatchConnectionRequest> = {}) =>
    watchConnection(kc, {
      resource: CONFIGMAPS,
      namespace,
      fieldSelector: 'metadata.name=a',
      resourceVersion: '4',
      timeoutSeconds: 25,
      signal: new AbortController().signal,
      ...more,
    });

  const drain = async (events: AsyncIterable<WatchEvent>) => {
    for await (const _ of events) assert.fail('no event expected');
  };

  it('yields the events, bookmarks included, until the server ends the watch', async () => {
    const seen: WatchEvent[] = [];
    for await (const event of watch('events')) seen.push(event);
    assert.deepEqual(
      seen.map((e) => [e.type, e.object.metadata?.resourceVersion]),
      [
        ['ADDED', '5'],
        ['BOOKMARK', '7'],
      ],
    );
    const query = Object.fromEntries(queries.at(-1) ?? []);
    assert.deepEqual(query, {
      watch: '1',
      allowWatchBookmarks: 'true',
      resourceVersion: '4',
      timeoutSeconds: '25',
      fieldSelector: 'metadata.name=a',
    });
    assert.equal(accepts.at(-1), 'application/json');
  });

  it('asks for the media type given (metadata-only watches)', async () => {
    for await (const _ of watch('events', { accept: 'application/json;as=PartialObjectMetadata' }));
    assert.equal(accepts.at(-1), 'application/json;as=PartialObjectMetadata');
  });

  it('throws an ERROR event as KubeApiError: 410 is isGone', async () => {
    await assert.rejects(
      async () => {
        for await (const _ of watch('expired')) assert.fail('no event expected');
      },
      (error) => isGone(error) && error instanceof KubeApiError && error.reason === 'Expired',
    );
  });

  it('throws any other ERROR event as KubeApiError with its status', async () => {
    await assert.rejects(drain(watch('failing')), (error) => {
      assert.ok(error instanceof KubeApiError && !(error instanceof WatchIdleError));
      assert.deepEqual([error.status, error.reason, error.body?.message], [500, 'InternalError', 'etcd']);
      return true;
    });
  });

  it('throws a refused watch as KubeApiError with the Status', async () => {
    await assert.rejects(
      async () => {
        for await (const _ of watch('forbidden')) assert.fail('no event expected');
      },
      (error) =>
        error instanceof KubeApiError && error.status === 403 && error.body?.message === 'cannot watch',
    );
  });

  it('cuts a connection silent for idleTimeoutMs', async () => {
    await assert.rejects(
      drain(watch('silent', { idleTimeoutMs: 100 })),
      (error) =>
        error instanceof WatchIdleError &&
        error.status === 0 &&
        error.reason === 'Timeout' &&
        error.silentMs === 100,
    );
  });

  it('ends the connection when the interrupt signal aborts, as a caller abort (not as silence)', async () => {
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 50);
    const started = performance.now();
    await assert.rejects(
      drain(watch('silent', { interrupt: interrupt.signal, idleTimeoutMs: 5_000 })),
      (error) => !(error instanceof WatchIdleError),
    );
    assert.ok(performance.now() - started < 2_000, 'ended by the interrupt, not the idle timeout');
  });

  it('closes the connection when the caller stops reading before the server ends the watch', async () => {
    for await (const event of watch('open', { idleTimeoutMs: 5_000 })) {
      assert.equal(event.type, 'ADDED');
      break;
    }
    const until = performance.now() + 2_000;
    while (!closedByClient.includes('open') && performance.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(closedByClient, ['open'], 'the server saw its watch closed');
  });
});

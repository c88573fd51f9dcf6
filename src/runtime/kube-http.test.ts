// kubeRequest's transport against a local TLS server: requests share kept-alive connections, although
// client-node builds a new agent for every request.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { testKubeConfig } from './fake/fixtures.ts';
import { kubeRequest, linkedDeadline, openStream } from './kube-http.ts';
import { createCertificateAuthority, issueLeaf } from './pki.ts';

describe('kubeRequest transport', () => {
  let server: https.Server;
  let kubeConfig: KubeConfig;
  let connections = 0;
  let lastAuthorization: string | undefined;

  before(async () => {
    const ca = await createCertificateAuthority('test-ca');
    const leaf = await issueLeaf(ca, { subject: 'CN=apiserver', ips: ['127.0.0.1'], usage: 'server' });
    server = https.createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
      res.setHeader('Content-Type', 'application/json');
      lastAuthorization = req.headers.authorization;
      if (req.url?.startsWith('/watch'))
        res.write('{"type":"BOOKMARK"}\n'); // and never ends
      else
        setTimeout(
          () => res.end('{"kind":"Status"}'),
          req.url === '/slow' ? 20 : req.url === '/stuck' ? 5_000 : 0,
        );
    });
    server.on('secureConnection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kubeConfig = testKubeConfig(`https://127.0.0.1:${port}`, { token: 'secret', caPem: ca.pem.cert });
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reuses one TLS connection for sequential requests', async () => {
    for (let i = 0; i < 5; i++) {
      const answer = await kubeRequest<{ kind: string }>(kubeConfig, { method: 'GET', path: '/api' });
      assert.equal(answer.kind, 'Status');
    }
    assert.equal(connections, 1, `${connections} TLS handshakes for 5 requests`);
  });

  it('queues a burst on a bounded set of connections instead of opening one per request', async () => {
    connections = 0;
    const burst = Array.from({ length: 200 }, () =>
      kubeRequest<{ kind: string }>(kubeConfig, { method: 'GET', path: '/slow' }),
    );
    assert.equal((await Promise.all(burst)).length, 200);
    assert.ok(connections <= 32, `${connections} connections for a burst of 200`);
  });

  it('keeps streams off the request connections: 40 open watches do not hold up a request', async () => {
    const stop = new AbortController();
    const streams = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        openStream(kubeConfig, { path: `/watch/${i}`, signal: stop.signal }),
      ),
    );
    try {
      const answer = await kubeRequest<{ kind: string }>(kubeConfig, {
        method: 'GET',
        path: '/api',
        timeoutMs: 2000,
      });
      assert.equal(answer.kind, 'Status');
    } finally {
      stop.abort();
      for (const stream of streams) stream.destroy();
    }
  });

  it('gives up at the deadline or when the caller aborts, and leaves no listener on the caller', async () => {
    const caller = new AbortController();
    let listeners = 0;
    const add = caller.signal.addEventListener.bind(caller.signal);
    const remove = caller.signal.removeEventListener.bind(caller.signal);
    caller.signal.addEventListener = (...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    };
    caller.signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    };
    await kubeRequest(kubeConfig, { method: 'GET', path: '/api', signal: caller.signal });
    assert.equal(listeners, 0, 'a finished request left its listener on the caller signal');
    await assert.rejects(
      kubeRequest(kubeConfig, { method: 'GET', path: '/stuck', timeoutMs: 50, signal: caller.signal }),
      (err: Error & { status?: number }) => err.status === 0,
    );
    const aborted = kubeRequest(kubeConfig, { method: 'GET', path: '/stuck', signal: caller.signal });
    caller.abort();
    await assert.rejects(aborted, (err: Error & { status?: number }) => err.status === 0);
    assert.equal(listeners, 0);
  });

  it('asks the kubeconfig for credentials again after a second, so a rotated token is used', async () => {
    const user = kubeConfig.getCurrentUser() as { token?: string };
    await kubeRequest(kubeConfig, { method: 'GET', path: '/api' });
    assert.equal(lastAuthorization, 'Bearer secret');
    user.token = 'rotated';
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await kubeRequest(kubeConfig, { method: 'GET', path: '/api' });
    assert.equal(lastAuthorization, 'Bearer rotated');
    user.token = 'secret';
  });

  it('uses the new context at once when the kubeconfig switches context', async () => {
    const cluster = kubeConfig.getCurrentCluster();
    assert.ok(cluster);
    const switching = new KubeConfig();
    switching.loadFromOptions({
      clusters: [cluster],
      users: [
        { name: 'u', token: 'secret' },
        { name: 'v', token: 'other' },
      ],
      contexts: [
        { name: 'x', cluster: cluster.name, user: 'u' },
        { name: 'y', cluster: cluster.name, user: 'v' },
      ],
      currentContext: 'x',
    });
    await kubeRequest(switching, { method: 'GET', path: '/api' });
    assert.equal(lastAuthorization, 'Bearer secret');
    switching.setCurrentContext('y');
    await kubeRequest(switching, { method: 'GET', path: '/api' });
    assert.equal(lastAuthorization, 'Bearer other');
  });
});
describe('linkedDeadline', () => {
  it('aborts with the reason of the first linked signal to abort', () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const deadline = linkedDeadline(60_000, () => 'late', [a.signal, undefined, b.signal]);
    b.abort('b first');
    a.abort('a second');
    assert.equal(deadline.signal.reason, 'b first');
    deadline.done();
  });

  it('starts aborted when a linked signal already is', () => {
    const deadline = linkedDeadline(60_000, () => 'late', [AbortSignal.abort('before')]);
    assert.equal(deadline.signal.reason, 'before');
    deadline.done();
  });

  it('aborts with its reason after ms without a refresh; refresh postpones it', async () => {
    const deadline = linkedDeadline(100, () => 'silent', []);
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      deadline.refresh();
    }
    assert.equal(deadline.signal.aborted, false, 'refreshed every 20 ms');
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(deadline.signal.reason, 'silent');
    deadline.done();
  });

  it('done() lets go of the linked signals, and neither aborts nor fires later (a finished request)', async () => {
    const caller = new AbortController();
    const deadline = linkedDeadline(50, () => 'late', [caller.signal]);
    assert.equal(getEventListeners(caller.signal, 'abort').length, 1);
    deadline.done();
    assert.equal(getEventListeners(caller.signal, 'abort').length, 0);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(deadline.signal.aborted, false);
  });
});

// The server's limits without a cluster: each abusive pattern is refused or cut off by the limit meant for
// it, and a normal review is still answered at once while the abuse goes on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyBudget, FREE_BODY_BYTES, type ServerLimits, serverLimits } from './limits.ts';
import { allowed } from './review.ts';
import { httpsRequest, openTcp, openTls, startLocalServer } from './testing.ts';

const review = (uid: string) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'quota.miloapis.com', version: 'v1alpha1', kind: 'ResourceClaim' },
      resource: { group: 'quota.miloapis.com', version: 'v1alpha1', resource: 'resourceclaims' },
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object: { metadata: { name: 'x' } },
    },
  });

const FAST: Partial<ServerLimits> = {
  handshakeTimeoutMs: 400,
  headersTimeoutMs: 400,
  requestTimeoutMs: 700,
};

/** A server with `/allow` and `/block` (answers when `release` is called), with `limits` over FAST. */
async function serve(limits: Partial<ServerLimits> = {}) {
  const blocked: (() => void)[] = [];
  const { registry, port, ca, stop } = await startLocalServer(
    { limits: { ...FAST, ...limits } },
    (server) => {
      server.register('/allow', async () => allowed());
      server.register('/block', () => new Promise((resolve) => blocked.push(() => resolve(allowed()))));
    },
  );
  const rejected = async (reason: string, name = 'milo_quota_webhook_limit_rejections_total') => {
    const metric = await registry.getSingleMetric(name)?.get();
    return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  };
  return {
    port,
    ca,
    rejected,
    call: (path = '/allow', uid = 'u') => httpsRequest(port, path, ca, review(uid)),
    tls: () => openTls(port, ca),
    blockedCount: () => blocked.length,
    release: () => {
      for (const done of blocked.splice(0)) done();
    },
    stop,
  };
}

type Served = Awaited<ReturnType<typeof serve>>;

async function withServer(limits: Partial<ServerLimits>, test: (s: Served) => Promise<void>) {
  const s = await serve(limits);
  try {
    await test(s);
  } finally {
    s.release();
    await s.stop();
  }
}

const post = (path: string, headers: string) => `POST ${path} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;

async function until(what: string, probe: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('webhook server limits', () => {
  it('refuses an oversized Content-Length at once, without reading the body', () =>
    withServer({}, async (s) => {
      const c = await s.tls();
      c.socket.write(post('/allow', 'Content-Type: application/json\r\nContent-Length: 100000000\r\n'));
      const took = await c.closed;
      assert.match(c.received(), /^HTTP\/1.1 413 .*the request body exceeds 4194304 bytes/s);
      assert.ok(took < 300, `closed after ${took} ms, before any body was sent`);
      assert.equal(await s.rejected('body_too_large'), 1);
    }));

  it('cuts off a chunked body once it passes the limit', () =>
    withServer({ maxBodyBytes: 100_000 }, async (s) => {
      const c = await s.tls();
      c.socket.write(post('/allow', 'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n'));
      const chunk = 'x'.repeat(10_000);
      for (let i = 0; i < 20 && !c.socket.destroyed; i++) {
        c.socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      }
      await c.closed;
      assert.match(c.received(), /^HTTP\/1.1 413 /);
      assert.equal(await s.rejected('body_too_large'), 1);
    }));

  it('times out a body that trickles in, with 408', () =>
    withServer({}, async (s) => {
      const c = await s.tls();
      c.socket.write(post('/allow', 'Content-Type: application/json\r\nContent-Length: 1000\r\n'));
      const timer = setInterval(() => c.socket.writable && c.socket.write('x'), 50);
      const took = await c.closed.finally(() => clearInterval(timer));
      assert.match(c.received(), /^HTTP\/1.1 408 /);
      assert.ok(took >= 650 && took < 2000, `closed after ${took} ms (requestTimeoutMs 700)`);
      assert.equal(await s.rejected('body_timeout'), 1);
    }));

  it('times out headers that trickle in and TLS handshakes that never start', () =>
    withServer({}, async (s) => {
      const slowloris = await s.tls();
      slowloris.socket.write('POST /allow HTTP/1.1\r\n');
      const timer = setInterval(() => slowloris.socket.writable && slowloris.socket.write('X-A: b\r\n'), 50);
      const tcp = await openTcp(s.port);
      const [headersTook, handshakeTook] = await Promise.all([
        slowloris.closed.finally(() => clearInterval(timer)),
        tcp.closed,
      ]);
      assert.match(slowloris.received(), /^HTTP\/1.1 408 /);
      assert.ok(headersTook < 1500, `slowloris closed after ${headersTook} ms (headersTimeoutMs 400)`);
      assert.ok(handshakeTook >= 350 && handshakeTook < 1500, `handshake closed after ${handshakeTook} ms`);
      assert.equal(await s.rejected('headers_timeout'), 1);
      assert.equal(
        await s.rejected('handshake_timeout', 'milo_quota_webhook_tls_handshake_rejections_total'),
        1,
      );
    }));

  it('refuses headers over maxHeaderBytes with 431', () =>
    withServer({ maxHeaderBytes: 2048 }, async (s) => {
      const c = await s.tls();
      c.socket.write(post('/allow', `X-Big: ${'a'.repeat(4096)}\r\n`));
      await c.closed;
      assert.match(c.received(), /^HTTP\/1.1 431 /);
      assert.equal(await s.rejected('headers_too_large'), 1);
    }));

  it('answers overflow past maxInFlight at once with a retryable 429 review', () =>
    withServer({ maxInFlight: 2 }, async (s) => {
      const blocked = [s.call('/block', 'b1'), s.call('/block', 'b2')];
      await until('two reviews in flight', () => s.blockedCount() === 2);
      const started = Date.now();
      const reply = await s.call('/allow', 'over');
      const took = Date.now() - started;
      assert.equal(reply.status, 200);
      assert.deepEqual(JSON.parse(reply.body).response, {
        uid: 'over',
        allowed: false,
        status: {
          code: 429,
          reason: 'TooManyRequests',
          message: 'the quota webhook is already handling 2 reviews on this replica; retry the request',
          details: { retryAfterSeconds: 1 },
        },
      });
      assert.ok(took < 500, `answered after ${took} ms`);
      assert.equal(await s.rejected('too_many_in_flight'), 1);
      s.release();
      for (const r of await Promise.all(blocked)) assert.equal(r.status, 200);
      assert.equal((await s.call()).status, 200, 'slots are given back');
    }));

  it('at maxConnections closes the least recently active idle connection, never a busy one', () =>
    withServer({ maxConnections: 4, maxInFlight: 1 }, async (s) => {
      const busy = s.call('/block', 'busy');
      await until('one review in flight', () => s.blockedCount() === 1);
      const idle = [await s.tls(), await s.tls(), await s.tls()];
      const fresh = await s.tls();
      await idle[0]?.closed;
      assert.equal(idle[1]?.socket.destroyed, false);
      assert.equal(await s.rejected('idle_connection_closed'), 1);
      fresh.socket.write(`${post('/allow', 'Content-Type: application/json\r\nContent-Length: 2\r\n')}{}`);
      await until('the new connection is answered', () => fresh.received().includes('HTTP/1.1 400'));
      s.release();
      assert.equal((await busy).status, 200, 'the busy connection was kept');
      for (const c of [...idle, fresh]) c.socket.destroy();
    }));

  it('answers a normal review at once while 100 slowloris, slow-body and stalled-handshake clients hold on', () =>
    withServer({ headersTimeoutMs: 3000, requestTimeoutMs: 3000, handshakeTimeoutMs: 3000 }, async (s) => {
      const abusers = await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          if (i % 3 === 0) return openTcp(s.port);
          const c = await s.tls();
          const head =
            i % 3 === 1
              ? 'POST /allow HTTP/1.1\r\nX-A: b\r\n'
              : post('/allow', 'Content-Type: application/json\r\nContent-Length: 500\r\n');
          c.socket.write(head);
          return c;
        }),
      );
      const started = Date.now();
      const reply = await s.call('/allow', 'normal');
      const took = Date.now() - started;
      assert.equal(reply.status, 200);
      assert.equal(JSON.parse(reply.body).response.allowed, true);
      assert.ok(took < 500, `answered after ${took} ms`);
      assert.equal(
        abusers.filter((c) => !c.socket.destroyed).length,
        100,
        'the abusers were still connected',
      );
      for (const c of abusers) c.socket.destroy();
    }));
});

describe('serverLimits', () => {
  it('fills in the defaults', () => {
    const l = serverLimits();
    assert.equal(l.maxBodyBytes, 4 * 1024 * 1024);
    assert.equal(l.maxInFlight, 64);
    assert.equal(l.maxConnections, 512);
    assert.equal(l.keepAliveTimeoutMs, 120_000);
  });

  it('refuses values that cannot work, naming the limit and the fix', () => {
    assert.throws(
      () => serverLimits({ maxInFlight: 0 }),
      /maxInFlight: 0 is not allowed; give a positive integer/,
    );
    assert.throws(() => serverLimits({ headersTimeoutMs: 1.5 }), /headersTimeoutMs: 1.5/);
    assert.throws(
      () => serverLimits({ headersTimeoutMs: 6000, requestTimeoutMs: 5000 }),
      /requestTimeoutMs \(5000\) is below headersTimeoutMs \(6000\).*raise requestTimeoutMs/,
    );
    assert.throws(
      () => serverLimits({ maxConnections: 64, maxInFlight: 64 }),
      /maxConnections \(64\) must exceed maxInFlight \(64\)/,
    );
  });
});

describe('BodyBudget', () => {
  it('charges only what a body holds beyond the free allowance, and gives it back', () => {
    const budget = new BodyBudget(100_000);
    assert.equal(budget.charge(0, FREE_BODY_BYTES), true);
    assert.equal(budget.used, 0);
    assert.equal(budget.charge(FREE_BODY_BYTES - 10, 60_000), true);
    assert.equal(budget.used, 59_990);
    assert.equal(budget.charge(0, FREE_BODY_BYTES + 50_000), false, 'over budget: refused, nothing charged');
    assert.equal(budget.used, 59_990);
    budget.release(FREE_BODY_BYTES + 59_990);
    assert.equal(budget.used, 0);
  });
});

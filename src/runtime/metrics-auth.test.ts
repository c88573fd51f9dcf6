import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AccessReviewer, type Identity, MetricsAccess } from './metrics-auth.ts';

/** A reviewer that knows two tokens and lets only `reader` get /metrics; counts its calls. */
function fakeReviewer(fail?: { authn?: boolean }) {
  const calls = { authenticate: 0, authorize: 0 };
  const users: Record<string, Identity> = {
    'reader-token': { username: 'reader', groups: ['system:authenticated'] },
    'other-token': { username: 'other' },
  };
  const reviewer: AccessReviewer = {
    async authenticate(token) {
      calls.authenticate += 1;
      if (fail?.authn) throw new Error('connection refused');
      return users[token];
    },
    async authorize(identity, verb, path) {
      calls.authorize += 1;
      const allowed = identity.username === 'reader' && verb === 'get' && path === '/metrics';
      return allowed ? { allowed } : { allowed, reason: 'no RBAC policy matched' };
    },
  };
  return { reviewer, calls };
}

describe('MetricsAccess', () => {
  it('401 without a bearer token or with one the apiserver rejects; 403 when not allowed; 200 when allowed', async () => {
    const { reviewer, calls } = fakeReviewer();
    const access = new MetricsAccess(reviewer);
    assert.equal((await access.decide(undefined, 'get', '/metrics')).status, 401);
    assert.equal((await access.decide('Basic dTpw', 'get', '/metrics')).status, 401);
    assert.equal(calls.authenticate, 0, 'no API call without a bearer token');
    assert.deepEqual(await access.decide('Bearer nope', 'get', '/metrics'), {
      status: 401,
      message: 'Unauthorized: the token was not accepted',
    });
    assert.deepEqual(await access.decide('Bearer other-token', 'get', '/metrics'), {
      status: 403,
      message: 'Forbidden: user "other" may not get path "/metrics": no RBAC policy matched',
    });
    assert.deepEqual(await access.decide('bearer reader-token', 'get', '/metrics'), {
      status: 200,
      user: 'reader',
    });
  });

  it('reuses answers for the TTL, then asks again', async () => {
    const { reviewer, calls } = fakeReviewer();
    let now = 0;
    const access = new MetricsAccess(reviewer, { ttlMs: 10_000, now: () => now });
    for (let i = 0; i < 5; i++) await access.decide('Bearer reader-token', 'get', '/metrics');
    assert.deepEqual(calls, { authenticate: 1, authorize: 1 });
    now = 9_999;
    await access.decide('Bearer reader-token', 'get', '/metrics');
    assert.deepEqual(calls, { authenticate: 1, authorize: 1 });
    now = 10_000;
    await access.decide('Bearer reader-token', 'get', '/metrics');
    assert.deepEqual(calls, { authenticate: 2, authorize: 2 });
  });

  it('shares one pending review between concurrent scrapes', async () => {
    const { reviewer, calls } = fakeReviewer();
    const access = new MetricsAccess(reviewer);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => access.decide('Bearer reader-token', 'get', '/metrics')),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200],
    );
    assert.deepEqual(calls, { authenticate: 1, authorize: 1 });
  });

  it('keeps at most maxEntries answers per cache, dropping the oldest', async () => {
    const { reviewer } = fakeReviewer();
    const access = new MetricsAccess(reviewer, { maxEntries: 2 });
    for (let i = 0; i < 10; i++) await access.decide(`Bearer token-${i}`, 'get', '/metrics');
    await access.decide('Bearer reader-token', 'get', '/metrics');
    await access.decide('Bearer other-token', 'get', '/metrics');
    assert.deepEqual(access.cached, { tokens: 2, grants: 2 });
  });

  it('answers 500 when the review fails, and does not keep the failure', async () => {
    const { reviewer, calls } = fakeReviewer({ authn: true });
    const access = new MetricsAccess(reviewer);
    const answer = await access.decide('Bearer reader-token', 'get', '/metrics');
    assert.equal(answer.status, 500);
    assert.match(answer.status === 500 ? answer.message : '', /token review failed: connection refused/);
    await access.decide('Bearer reader-token', 'get', '/metrics');
    assert.equal(calls.authenticate, 2);
  });
});

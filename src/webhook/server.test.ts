import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../runtime/index.ts';
import { allowed, forbidden } from './review.ts';
import { WebhookServer } from './server.ts';
import { httpsRequest, localServingCertificate, MemoryCertificates } from './testing.ts';

const review = (uid: string, kind = 'ResourceClaim') =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: 'quota.miloapis.com', version: 'v1alpha1', kind },
      resource: { group: 'quota.miloapis.com', version: 'v1alpha1', resource: 'resourceclaims' },
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object: { metadata: { name: 'x' } },
    },
  });

async function metricValue(registry: Registry, name: string, labels: Record<string, string>) {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, value]) => String(v.labels[k]) === value),
  );
  return match?.value;
}

describe('WebhookServer', () => {
  const registry = new Registry();
  const stop = new AbortController();
  let certificates: MemoryCertificates;
  let server: WebhookServer;
  let ca: string;
  let running: Promise<void>;
  let sawAbort = false;

  before(async () => {
    const first = await localServingCertificate();
    ca = first.caBundle ?? '';
    certificates = new MemoryCertificates(first);
    server = new WebhookServer({
      port: 0,
      host: '127.0.0.1',
      certificates,
      logger: createLogger({ silent: true }),
      registry,
      timeoutMarginMs: 200,
    });
    server.register('/allow', async (req) => allowed([`seen ${req.kind.kind}`]));
    server.register('/deny', async () => forbidden('no, because'));
    server.register('/throw', async () => {
      throw new Error('handler exploded');
    });
    server.register('/slow', (_req, signal) => {
      return new Promise(() => signal.addEventListener('abort', () => (sawAbort = true)));
    });
    assert.throws(() => server.ready(), /no webhook certificate loaded/);
    running = server.start(stop.signal);
    await server.listening;
  });

  after(async () => {
    stop.abort();
    await running;
  });

  it('is ready once listening with a certificate', () => {
    assert.equal(server.ready(), true);
    assert.ok((server.port ?? 0) > 0);
  });

  it('routes by path and echoes the request uid in a v1 review', async () => {
    const reply = await httpsRequest(server.port ?? 0, '/allow', ca, review('uid-1'));
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-1', allowed: true, warnings: ['seen ResourceClaim'] },
    });
    const denied = JSON.parse((await httpsRequest(server.port ?? 0, '/deny', ca, review('uid-2'))).body);
    assert.deepEqual(denied.response, {
      uid: 'uid-2',
      allowed: false,
      status: { code: 403, reason: 'Forbidden', message: 'no, because' },
    });
  });

  it('answers 404 for an unknown path, listing the served ones', async () => {
    const reply = await httpsRequest(server.port ?? 0, '/nope', ca, review('u'));
    assert.equal(reply.status, 404);
    assert.match(reply.body, /no webhook at \/nope; served paths: \/allow, \/deny/);
  });

  it('refuses other methods, content types, bad bodies and oversized bodies', async () => {
    const port = server.port ?? 0;
    const get = await httpsRequest(port, '/allow', ca, undefined, { method: 'GET' });
    assert.equal(get.status, 405);
    const text = await httpsRequest(port, '/allow', ca, review('u'), { contentType: 'text/plain' });
    assert.equal(text.status, 415);
    const bad = await httpsRequest(port, '/allow', ca, '{"kind":"AdmissionReview"}');
    assert.equal(bad.status, 400);
    assert.match(bad.body, /invalid AdmissionReview: apiVersion must be "admission.k8s.io\/v1"/);
    const huge = await httpsRequest(port, '/allow', ca, 'x'.repeat(5 * 1024 * 1024)).catch(() => ({
      status: 413,
      body: '',
    }));
    assert.equal(huge.status, 413);
  });

  it('fails closed with the cause when a handler throws', async () => {
    const reply = JSON.parse((await httpsRequest(server.port ?? 0, '/throw', ca, review('u3'))).body);
    assert.equal(reply.response.allowed, false);
    assert.equal(reply.response.status.code, 500);
    assert.match(reply.response.status.message, /handler exploded/);
  });

  it('answers 504 before the apiserver timeout and aborts the handler', async () => {
    const started = Date.now();
    const reply = await httpsRequest(server.port ?? 0, '/slow?timeout=1s', ca, review('u4'));
    const took = Date.now() - started;
    const response = JSON.parse(reply.body).response;
    assert.equal(response.status.code, 504);
    assert.match(response.status.message, /did not decide within 800 ms/);
    assert.ok(took >= 700 && took < 1000, `answered after ${took} ms`);
    assert.equal(sawAbort, true);
  });

  it('counts requests by path and code, and tracks in-flight requests', async () => {
    const port = server.port ?? 0;
    const before200 =
      (await metricValue(registry, 'controller_runtime_webhook_requests_total', {
        webhook: '/allow',
        code: '200',
      })) ?? 0;
    await httpsRequest(port, '/allow', ca, review('u5'));
    const after200 = await metricValue(registry, 'controller_runtime_webhook_requests_total', {
      webhook: '/allow',
      code: '200',
    });
    assert.equal(after200, before200 + 1);
    assert.ok(
      ((await metricValue(registry, 'controller_runtime_webhook_requests_total', {
        webhook: '/allow',
        code: '405',
      })) ?? 0) >= 1,
    );
    assert.equal(
      await metricValue(registry, 'controller_runtime_webhook_requests_in_flight', { webhook: '/allow' }),
      0,
    );
    const text = await registry.getSingleMetricAsString('controller_runtime_webhook_latency_seconds');
    assert.match(text, /controller_runtime_webhook_latency_seconds_count\{webhook="\/allow"\} [1-9]/);
  });

  it('serves a rotated certificate on new connections without restarting', async () => {
    const next = await localServingCertificate();
    const seen: string[] = [];
    server.onCertificate((c) => seen.push(c.cert));
    certificates.rotate(next);
    assert.deepEqual(seen, [next.cert]);
    const reply = await httpsRequest(server.port ?? 0, '/allow', next.caBundle ?? '', review('u6'));
    assert.equal(reply.status, 200);
    await assert.rejects(
      httpsRequest(server.port ?? 0, '/allow', ca, review('u7')),
      /self[- ]signed|unable to verify|certificate/i,
    );
  });
});

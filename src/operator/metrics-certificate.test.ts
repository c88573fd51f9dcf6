import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { MetricsAccess } from '../runtime/metrics-auth.ts';
import { close, metricsHandler, serve } from '../runtime/servers.ts';
import { splitPemBundle } from '../webhook/index.ts';
import { selfSignedMetricsCertificate } from './metrics-certificate.ts';

function get(port: number, token?: string): Promise<{ status: number; body: string }> {
  const headers = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/metrics', headers, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
  });
}

describe('secure metrics server', () => {
  it("serves HTTPS with a certificate for the metrics Service's names, chained to its CA", async () => {
    const pair = await selfSignedMetricsCertificate('quota-system', 'milo-quota-metrics');
    const [leaf, ca] = splitPemBundle(pair.cert).map((pem) => new X509Certificate(pem));
    assert.ok(leaf && ca && leaf.verify(ca.publicKey));
    assert.equal(
      leaf.checkHost('milo-quota-metrics.quota-system.svc'),
      'milo-quota-metrics.quota-system.svc',
    );
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  });

  it('answers 401 without a token and the metrics with an allowed one, over TLS', async () => {
    const registry = new Registry();
    const access = new MetricsAccess({
      authenticate: async (token) => (token === 'good' ? { username: 'prometheus' } : undefined),
      authorize: async () => ({ allowed: true }),
    });
    const tls = await selfSignedMetricsCertificate('ns', 'svc');
    const { server, port } = await serve(
      metricsHandler(registry, access),
      { port: 0, host: '127.0.0.1' },
      tls,
    );
    try {
      assert.equal((await get(port)).status, 401);
      assert.equal((await get(port, 'bad')).status, 401);
      assert.equal((await get(port, 'good')).status, 200);
    } finally {
      await close(server);
    }
  });
});

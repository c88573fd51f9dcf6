// How a configuration points the apiserver at this server: the Service in the cluster, or a local URL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientConfigFor } from './configuration-spec.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';

describe('clientConfigFor', () => {
  it('points at the Service in the cluster, with the CA bundle in base64', () => {
    const config = clientConfigFor(
      { kind: 'service', namespace: 'quota-system', name: 'webhook', port: 443 },
      '/p',
      9443,
      PEM,
    );
    assert.deepEqual(config, {
      service: { namespace: 'quota-system', name: 'webhook', path: '/p', port: 443 },
      caBundle: Buffer.from(PEM).toString('base64'),
    });
  });

  it('points at a local URL with the bound port, bracketing IPv6', () => {
    assert.deepEqual(clientConfigFor({ kind: 'url', host: '127.0.0.1' }, '/p', 40123, undefined), {
      url: 'https://127.0.0.1:40123/p',
    });
    assert.equal(clientConfigFor({ kind: 'url', host: '::1' }, '/p', 1, undefined).url, 'https://[::1]:1/p');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOperatorOptions } from './options.ts';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseOperatorOptions(argv, env);

describe('webhook options', () => {
  it('serves on 9443 through the Service with a self-managed certificate by default', () => {
    assert.deepEqual(parse([]).webhook, {
      port: 9443,
      timeoutSeconds: 10,
      certDir: undefined,
      serviceName: 'milo-quota-webhook',
      urlHost: undefined,
    });
  });

  it('reads the local url mode, external certificates and the timeout', () => {
    const options = parse([
      '--webhook-port=0',
      '--webhook-url-host=127.0.0.1',
      '--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs',
      '--webhook-timeout-seconds=15',
      '--webhook-service-name=quota-webhook',
    ]);
    assert.deepEqual(options.webhook, {
      port: 0,
      timeoutSeconds: 15,
      certDir: '/tmp/k8s-webhook-server/serving-certs',
      serviceName: 'quota-webhook',
      urlHost: '127.0.0.1',
    });
    const ipv6 = parse(['--webhook-url-host=[::1]']).webhook;
    assert.equal(ipv6 === false ? undefined : ipv6.urlHost, '::1');
  });

  it('turns webhooks off by flag or environment, the last flag winning', () => {
    assert.equal(parse(['--enable-webhooks=false']).webhook, false);
    assert.equal(parse([], { ENABLE_WEBHOOKS: 'false' }).webhook, false);
    assert.notEqual(parse(['--enable-webhooks=false', '--enable-webhooks=true']).webhook, false);
  });

  it('refuses bad values, naming the flag and the fix', () => {
    assert.throws(() => parse(['--webhook-port=99999']), /--webhook-port: "99999" is not a port/);
    assert.throws(() => parse(['--webhook-timeout-seconds=31']), /--webhook-timeout-seconds: .*from 1 to 30/);
    assert.throws(
      () => parse(['--webhook-url-host=https://127.0.0.1:9443']),
      /--webhook-url-host: .*no scheme, no port/,
    );
    assert.throws(
      () => parse(['--webhook-service-name=Webhook_Svc']),
      /--webhook-service-name: .*DNS-1123 label/,
    );
    assert.throws(() => parse(['--webhook-cert-dir=']), /--webhook-cert-dir: give the directory/);
    assert.throws(() => parse(['--enable-webhooks=maybe']), /--enable-webhooks: "maybe" is not a boolean/);
  });
});

describe('metrics options', () => {
  it('serves plain metrics on 8080 by default (local runs)', () => {
    const options = parse([]);
    assert.equal(options.metricsPort, 8080);
    assert.equal(options.metricsSecure, false);
  });

  it('turns authenticated HTTPS metrics on with --metrics-secure, bare or =true', () => {
    assert.equal(parse(['--metrics-secure=true', '--metrics-port=8443']).metricsSecure, true);
    assert.equal(parse(['--metrics-secure']).metricsSecure, true);
    assert.equal(parse(['--metrics-secure', '--metrics-port=8443']).metricsSecure, true);
    assert.equal(parse(['--metrics-secure=false']).metricsSecure, false);
    assert.equal(parse(['--metrics-secure', 'false']).metricsSecure, false);
  });

  it('refuses bad values, naming the flag and the fix', () => {
    assert.throws(
      () => parse(['--metrics-secure=yes']),
      /--metrics-secure: "yes" is not a boolean; use true or false/,
    );
    assert.throws(() => parse(['--metrics-port=https']), /--metrics-port: "https" is not a port/);
  });
});

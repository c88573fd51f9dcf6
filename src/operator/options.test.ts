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
      authorizeTriggerConsumer: false,
    });
  });

  it('checks the requester against the consumer of enforced creates only when asked', () => {
    const on = parse(['--authorize-trigger-consumer=true']).webhook;
    assert.equal(on === false ? undefined : on.authorizeTriggerConsumer, true);
    assert.throws(
      () => parse(['--authorize-trigger-consumer=yes']),
      /--authorize-trigger-consumer: "yes" is not a boolean/,
    );
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
      authorizeTriggerConsumer: false,
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderConfiguration } from '../webhook/index.ts';
import { quotaValidationConfiguration, quotaWebhookPath } from './quota-webhook.ts';
import { servingNames } from './setup.ts';

describe('the quota validating webhook configuration', () => {
  const rendered = renderConfiguration(quotaValidationConfiguration(), (path) => ({
    url: `https://h${path}`,
  }));

  it("has one webhook per quota kind with SPEC's settings", () => {
    assert.equal(rendered.metadata.name, 'milo-quota-validation');
    assert.equal(rendered.webhooks.length, 6);
    for (const webhook of rendered.webhooks) {
      assert.equal(webhook.failurePolicy, 'Fail');
      assert.equal(webhook.sideEffects, 'None');
      assert.equal(webhook.matchPolicy, 'Equivalent');
      assert.equal(webhook.timeoutSeconds, 10);
      assert.deepEqual(webhook.admissionReviewVersions, ['v1']);
      // claims also on DELETE: freeing capacity still in use is an authorization
      const claims = webhook.name === 'resourceclaim.validate.quota.miloapis.com';
      assert.deepEqual(
        webhook.rules[0]?.operations,
        claims ? ['CREATE', 'UPDATE', 'DELETE'] : ['CREATE', 'UPDATE'],
      );
      assert.deepEqual(webhook.rules[0]?.apiGroups, ['quota.miloapis.com']);
    }
  });

  it('routes each kind to its own path, main resource only (status writes pass)', () => {
    const claims = rendered.webhooks.find((w) => w.name === 'resourceclaim.validate.quota.miloapis.com');
    assert.deepEqual(claims?.rules[0]?.resources, ['resourceclaims']);
    assert.equal(claims?.rules[0]?.scope, 'Namespaced');
    assert.deepEqual(claims?.clientConfig, {
      url: 'https://h/validate-quota-miloapis-com-v1alpha1-resourceclaim',
    });
    assert.equal(
      quotaWebhookPath('ResourceRegistration'),
      '/validate-quota-miloapis-com-v1alpha1-resourceregistration',
    );
  });
});

describe('servingNames', () => {
  it('covers the Service names, localhost and the URL host', () => {
    const names = servingNames({ namespace: 'ns', port: 0, serviceName: 'svc', urlHost: 'quota.local' });
    assert.deepEqual(names.dnsNames, [
      'svc.ns.svc',
      'svc.ns.svc.cluster.local',
      'svc.ns',
      'svc',
      'localhost',
      'quota.local',
    ]);
    assert.deepEqual(servingNames({ namespace: 'ns', port: 0, urlHost: '10.1.2.3' }).ips, [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
    ]);
  });
});

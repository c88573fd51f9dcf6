import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigurationMissingError,
  clientConfigFor,
  missingWebhooks,
  ownedFields,
  pointAtUrlPatch,
  renderConfiguration,
} from '../webhook/index.ts';
import { enforcementConfiguration } from './enforce/enforcement-configuration.ts';
import { shippedWebhookConfigurations } from './manifests.ts';
import { quotaValidationConfiguration } from './quota-webhook.ts';

const URL_MODE = { kind: 'url', host: '127.0.0.1' } as const;
const rule = { apiGroups: ['g'], apiVersions: ['*'], resources: ['things'], operations: ['CREATE' as const] };

describe('ownedFields', () => {
  it('is caBundle only for the quota kinds, caBundle and rules for enforcement', () => {
    const spec = enforcementConfiguration([rule], 'ops', 10);
    const owned = ownedFields(
      spec,
      renderConfiguration(spec, () => ({ url: 'https://h', caBundle: 'Q0E=' })),
    );
    assert.deepEqual(owned.webhooks, [
      { name: 'enforce.quota.miloapis.com', clientConfig: { caBundle: 'Q0E=' }, rules: [rule] },
    ]);
    const quota = quotaValidationConfiguration();
    const [first] = ownedFields(
      quota,
      renderConfiguration(quota, () => ({ caBundle: 'Q0E=' })),
    ).webhooks;
    assert.deepEqual(first, {
      name: 'resourceregistration.validate.quota.miloapis.com',
      clientConfig: { caBundle: 'Q0E=' },
    });
  });
});

describe('an existing configuration', () => {
  const [shippedQuota] = shippedWebhookConfigurations();
  const local = renderConfiguration(quotaValidationConfiguration(), (path) =>
    clientConfigFor(URL_MODE, path, 40123, undefined),
  );

  it('url mode: every shipped service clientConfig becomes the local URL, guarded by the name', () => {
    assert.ok(shippedQuota);
    const ops = pointAtUrlPatch(shippedQuota, local);
    assert.equal(ops.length, 3 * 6);
    assert.deepEqual(ops.slice(0, 3), [
      { op: 'test', path: '/webhooks/0/name', value: 'resourceregistration.validate.quota.miloapis.com' },
      { op: 'remove', path: '/webhooks/0/clientConfig/service' },
      {
        op: 'add',
        path: '/webhooks/0/clientConfig/url',
        value: 'https://127.0.0.1:40123/validate-quota-miloapis-com-v1alpha1-resourceregistration',
      },
    ]);
    assert.deepEqual(pointAtUrlPatch(local, local), [], 'nothing to do once it points at the URL');
  });

  it('names the webhooks a manifest of another version lacks', () => {
    const older = { metadata: { name: 'milo-quota-validation' }, webhooks: local.webhooks.slice(1) };
    assert.deepEqual(missingWebhooks(older, local), ['resourceregistration.validate.quota.miloapis.com']);
    assert.deepEqual(missingWebhooks(local, local), []);
  });

  it('a missing one the operator may not create says what to apply', () => {
    const error = new ConfigurationMissingError('milo-quota-enforcement', 'forbidden');
    assert.match(error.message, /milo-quota-enforcement does not exist/);
    assert.match(error.message, /kubectl apply -k config\/webhook/);
  });
});

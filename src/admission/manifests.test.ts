// The committed webhook manifests must be what scripts/gen-webhooks.ts renders from the operator's specs, and
// they must leave every field the operator owns to the operator.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  renderWebhookManifest,
  WEBHOOK_MANIFEST,
  webhookManifestCurrent,
} from '../../scripts/gen-webhooks.ts';
import { clientConfigFor, ownedFields, renderConfiguration } from '../webhook/index.ts';
import { enforcementConfiguration } from './enforce/enforcement-configuration.ts';
import { shippedWebhookConfigurations } from './manifests.ts';
import {
  OWN_CLAIM_CREATES_CONDITION,
  ownClaimCreator,
  quotaValidationConfiguration,
} from './quota-webhook.ts';

const REPO = join(dirname(new URL(import.meta.url).pathname), '../..');
const SERVICE = {
  kind: 'service',
  namespace: 'quota-system',
  name: 'milo-quota-webhook',
  port: 443,
} as const;
// the operator as the Deployment runs it: under its ServiceAccount (config/manager, config/rbac)
const OPERATOR = 'system:serviceaccount:quota-system:milo-quota-operator';
const specs = [quotaValidationConfiguration(10, OPERATOR), enforcementConfiguration([], 'quota-system', 10)];

describe('config/webhook/validating_webhook_configurations.yaml', () => {
  it('is current (run `node scripts/gen-webhooks.ts` after changing a webhook)', () => {
    assert.equal(webhookManifestCurrent(), true);
    const out = execFileSync(process.execPath, [join(REPO, 'scripts/gen-webhooks.ts'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(out, '');
  });

  it('detects an edited copy', () => {
    const root = mkdtempSync(join(tmpdir(), 'webhook-drift-'));
    try {
      cpSync(join(REPO, 'config/webhook'), join(root, 'config/webhook'), { recursive: true });
      assert.equal(webhookManifestCurrent(root), true);
      writeFileSync(join(root, WEBHOOK_MANIFEST), renderWebhookManifest().replace('Fail', 'Ignore'));
      assert.equal(webhookManifestCurrent(root), false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is what the operator renders for the Service, less caBundle and the enforcement rules', () => {
    const shipped = shippedWebhookConfigurations();
    assert.deepEqual(
      shipped.map((c) => c.metadata.name),
      ['milo-quota-validation', 'milo-quota-enforcement'],
    );
    for (const [i, spec] of specs.entries()) {
      const rendered = renderConfiguration(spec, (path) => clientConfigFor(SERVICE, path, 443, 'CA'));
      const expected = rendered.webhooks.map(({ rules, clientConfig, ...rest }) => ({
        ...rest,
        clientConfig: { service: clientConfig.service },
        ...(spec.operatorOwnsRules ? {} : { rules }),
      }));
      assert.deepEqual(shipped[i]?.webhooks, expected);
    }
    assert.equal(shipped[0]?.webhooks.length, 6);
    assert.equal(shipped[1]?.webhooks.length, 1);
  });

  it("spares only the Deployment's ServiceAccount's claim CREATEs the claim webhook", () => {
    const deployment = readFileSync(join(REPO, 'config/manager/deployment.yaml'), 'utf8');
    assert.match(deployment, /serviceAccountName: milo-quota-operator\n/);
    const shipped = shippedWebhookConfigurations();
    const conditions = shipped[0]?.webhooks.flatMap((w) =>
      'matchConditions' in w ? [{ name: w.name, conditions: w.matchConditions }] : [],
    );
    assert.deepEqual(conditions, [
      {
        name: 'resourceclaim.validate.quota.miloapis.com',
        conditions: [
          {
            name: OWN_CLAIM_CREATES_CONDITION,
            expression: `!(request.operation == 'CREATE' && request.userInfo.username == '${OPERATOR}')`,
          },
        ],
      },
    ]);
  });

  it('shares no field with what the operator applies to it (no ownership fight with Git)', () => {
    const shipped = shippedWebhookConfigurations();
    for (const [i, spec] of specs.entries()) {
      const rendered = renderConfiguration(spec, (path) => clientConfigFor(SERVICE, path, 443, 'CA'));
      const owned = ownedFields(spec, rendered);
      for (const [j, webhook] of owned.webhooks.entries()) {
        const fromGit = shipped[i]?.webhooks[j] as Record<string, unknown> & { clientConfig: object };
        const { name, clientConfig, ...rest } = webhook;
        assert.equal(name, fromGit.name);
        assert.deepEqual(Object.keys(clientConfig), ['caBundle']);
        assert.equal('caBundle' in fromGit.clientConfig, false);
        for (const key of Object.keys(rest)) assert.equal(key in fromGit, false, `${name}: ${key}`);
      }
    }
  });
});

describe('whose claim creates skip the claim webhook', () => {
  it('a ServiceAccount only: never a kubeconfig user (locally the admin, shared with people)', () => {
    assert.equal(ownClaimCreator(OPERATOR), OPERATOR);
    assert.equal(ownClaimCreator('admin'), undefined);
    assert.equal(ownClaimCreator('kubernetes-admin'), undefined);
    assert.equal(ownClaimCreator(undefined), undefined);
    assert.equal(ownClaimCreator('system:serviceaccount:quota-system'), undefined);
    // nothing that could change the CEL expression it is quoted into
    assert.equal(ownClaimCreator("system:serviceaccount:a:b' || true || '"), undefined);
    const webhooks = quotaValidationConfiguration(10, 'admin').webhooks;
    assert.equal(
      webhooks.some((w) => w.matchConditions !== undefined),
      false,
    );
  });
});

// The shipped webhook configurations (config/webhook) and the operator in the cluster's service mode, as its
// ServiceAccount, which may not create ValidatingWebhookConfigurations:
// - it fills in every caBundle (and owns the enforcement rules) under its own field manager, and nothing else;
// - `kubectl diff` stays empty, and re-applying the manifests client- or server-side (as Argo CD does) keeps
//   what the operator wrote, without conflicts;
// - a configuration that is missing is named in its log with what to apply; it keeps running, and picks the
//   configuration up once applied.
// The apiserver cannot reach a Service here, so no webhook is called; service-account.test.ts runs the
// scenario end to end in url mode.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { type FieldSet, getJson, type KubeItem } from './objects.ts';
import { forbiddenLines, OperatorUnderTest, serviceAccountKubeconfig } from './support.ts';

const plane = useControlPlane();
const CONFIGS = ['milo-quota-validation', 'milo-quota-enforcement'] as const;
const MANIFEST = repoPath('config/webhook/validating_webhook_configurations.yaml');
const OWNED_MANAGER = 'milo-quota-operator-webhook-fields';
const operators: OperatorUnderTest[] = [];

async function start(): Promise<OperatorUnderTest> {
  const cp = plane.current;
  const args = ['--metrics-port=0', '--probe-port=0', '--webhook-port=0', '--log-level=info'];
  const kubeconfig = await serviceAccountKubeconfig(cp);
  const started = new OperatorUnderTest(
    kubeconfig,
    args,
    join(cp.dir, `operator-svc-${operators.length}.log`),
  );
  operators.push(started);
  return started;
}

const configuration = (name: string) =>
  getJson(plane.current, ['validatingwebhookconfiguration', name, '--show-managed-fields']);
const withCaBundle = async (name: string) =>
  ((await configuration(name)).webhooks ?? []).every((w) => w.clientConfig?.caBundle);

/** The leaf fields (`f:` keys) a managedFields entry holds, without `.` and the webhooks' key field `name`. */
function leaves(set: FieldSet | undefined, out: string[] = []): string[] {
  for (const [key, child] of Object.entries(set ?? {})) {
    const nested = child as FieldSet;
    if (key === '.' || key.startsWith('k:')) leaves(nested, out);
    else if (Object.keys(nested).length === 0) out.push(key);
    else leaves(nested, out);
  }
  return out;
}

function ownedBy(config: KubeItem, manager: string): string[] {
  const entry = config.metadata.managedFields?.find((f) => f.manager === manager);
  return [...new Set(leaves(entry?.fieldsV1))].filter((f) => f !== 'f:name').sort();
}

describe('the shipped webhook configurations, kept by the operator in service mode without create', () => {
  before(async () => {
    const cp = await plane.ready;
    await kubectlOk(cp, ['apply', '-k', repoPath('config/default')]);
    await kubectlOk(cp, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    await start();
  });
  after(async () => {
    await Promise.all(operators.map((o) => o.stop()));
  });

  it('fills in every caBundle, and owns only caBundle and the enforcement rules', async () => {
    for (const name of CONFIGS)
      await eventually(`${name} has its caBundle`, () => withCaBundle(name), 60_000);
    const validation = await configuration('milo-quota-validation');
    assert.deepEqual(ownedBy(validation, OWNED_MANAGER), ['f:caBundle']);
    const enforcement = await eventually('the enforcement rules are applied', async () => {
      const config = await configuration('milo-quota-enforcement');
      return ownedBy(config, OWNED_MANAGER).includes('f:rules') && config;
    });
    assert.deepEqual(ownedBy(enforcement, OWNED_MANAGER), ['f:caBundle', 'f:rules']);
    for (const name of CONFIGS) {
      const config = await configuration(name);
      for (const webhook of config.webhooks ?? []) {
        assert.deepEqual(Object.keys(webhook.clientConfig ?? {}).sort(), ['caBundle', 'service'], name);
      }
    }
  });

  it('kubectl diff of config/default is empty; re-applying client- or server-side keeps its fields', async () => {
    const cp = plane.current;
    const diff = await cp.kubectl(['diff', '-k', repoPath('config/default')]);
    assert.equal(diff.code, 0, `kubectl diff -k config/default:\n${diff.stdout}${diff.stderr}`);
    // as Argo CD with ServerSideApply=true: no conflict with the operator's fields, nothing removed
    await kubectlOk(cp, ['apply', '--server-side', '--field-manager=argocd-controller', '-f', MANIFEST]);
    await kubectlOk(cp, ['apply', '-k', repoPath('config/default')]);
    for (const name of CONFIGS) assert.ok(await withCaBundle(name), `${name} kept its caBundle`);
    const enforcement = await configuration('milo-quota-enforcement');
    assert.deepEqual(ownedBy(enforcement, 'argocd-controller').includes('f:rules'), false);
  });

  it('never hit a permission it lacks', () => {
    assert.deepEqual(forbiddenLines(operators[0]?.log() ?? ''), []);
  });

  it('names a missing configuration and what to apply, keeps running, and takes it up once applied', async () => {
    const cp = plane.current;
    await operators[0]?.stop();
    await kubectlOk(cp, ['delete', 'validatingwebhookconfiguration', 'milo-quota-enforcement']);
    const replica = await start();
    const line = await eventually(
      'the log names the missing configuration',
      () =>
        replica
          .log()
          .split('\n')
          .find((l) => l.includes('milo-quota-enforcement does not exist')),
      60_000,
    );
    assert.match(line, /may not create it/);
    assert.match(line, /kubectl apply -k config\/webhook/);
    assert.doesNotMatch(replica.log(), /runnable failed/);
    await kubectlOk(cp, ['apply', '-f', MANIFEST]);
    await eventually(
      'the applied configuration gets its caBundle',
      () => withCaBundle('milo-quota-enforcement'),
      60_000,
    );
  });
});

// `helm upgrade` of a release whose operator runs as in a cluster (service mode, as its ServiceAccount): the
// operator fills in the webhook configurations' caBundle and owns the enforcement rules under its field
// manager, and Helm 4's server-side apply upgrades around them without a conflict and without taking them.
// (helm.test.ts runs the end-to-end scenario in url mode, where the operator repoints the configurations.)
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { CHART, helmOk } from '../../support/helm.ts';
import { kubectlOk } from '../../support/kube.ts';
import { getJson, type KubeItem } from './objects.ts';
import { forbiddenLines, OPERATOR_NS, OperatorUnderTest, serviceAccountKubeconfig } from './support.ts';

const plane = useControlPlane();
const RELEASE = 'milo-quota';
const CONFIGS = ['milo-quota-validation', 'milo-quota-enforcement'] as const;
const OWNED_MANAGER = 'milo-quota-operator-webhook-fields';
let operator: OperatorUnderTest | undefined;

const configuration = (name: string) =>
  getJson(plane.current, ['validatingwebhookconfiguration', name, '--show-managed-fields']);
const caBundles = async (name: string) =>
  ((await configuration(name)).webhooks ?? []).map((w) => w.clientConfig?.caBundle ?? '');
const managers = (config: KubeItem) => (config.metadata.managedFields ?? []).map((f) => f.manager);
/** Whether the operator's field manager owns the enforcement webhook's rules. */
const operatorOwnsRules = async () =>
  JSON.stringify(
    (await configuration('milo-quota-enforcement')).metadata.managedFields?.find(
      (f) => f.manager === OWNED_MANAGER,
    )?.fieldsV1 ?? {},
  ).includes('"f:rules"');

describe('helm upgrade around the fields a service-mode operator owns', () => {
  before(async () => {
    const cp = await plane.ready;
    await kubectlOk(cp, ['create', 'namespace', OPERATOR_NS]);
    await helmOk(['install', RELEASE, CHART, '-n', OPERATOR_NS, '--kubeconfig', cp.kubeconfigPath]);
    await kubectlOk(cp, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    operator = new OperatorUnderTest(
      await serviceAccountKubeconfig(cp),
      ['--metrics-port=0', '--probe-port=0', '--webhook-port=0', '--log-level=info'],
      join(cp.dir, 'operator-helm-svc.log'),
    );
    await eventually('the operator owns the enforcement rules', operatorOwnsRules, 60_000);
    for (const name of CONFIGS)
      await eventually(
        `${name} has its caBundle`,
        async () => (await caBundles(name)).every((b) => b !== ''),
        60_000,
      );
  });
  after(async () => {
    await operator?.stop();
  });

  it('upgrades without a conflict; caBundle and the operator-owned fields stay', async () => {
    const cp = plane.current;
    const before = await Promise.all(CONFIGS.map(caBundles));
    for (const name of CONFIGS)
      assert.ok(
        managers(await configuration(name)).includes(OWNED_MANAGER),
        `${name}: the operator wrote it`,
      );
    const out = await helmOk([
      'upgrade',
      RELEASE,
      CHART,
      '--reuse-values',
      '--set',
      'replicas=3',
      '-n',
      OPERATOR_NS,
      '--kubeconfig',
      cp.kubeconfigPath,
    ]);
    assert.match(out, /STATUS: deployed/);
    assert.deepEqual(await Promise.all(CONFIGS.map(caBundles)), before);
    for (const name of CONFIGS) {
      const config = await configuration(name);
      assert.ok(managers(config).includes(OWNED_MANAGER), `${name}: still the operator's fields`);
      for (const webhook of config.webhooks ?? [])
        assert.deepEqual(Object.keys(webhook.clientConfig ?? {}).sort(), ['caBundle', 'service'], name);
    }
    assert.ok(await operatorOwnsRules(), "the enforcement rules are still the operator's");
    const deployment = await getJson(cp, ['deployment', '-n', OPERATOR_NS, 'milo-quota-operator']);
    assert.equal((deployment as KubeItem & { spec: { replicas: number } }).spec.replicas, 3);
  });

  it('the operator never hit a permission it lacks', () => {
    assert.deepEqual(forbiddenLines(operator?.log() ?? ''), []);
  });
});

// The Helm chart (config/helm/milo-quota) on a real control plane: `helm install` into a namespace made as
// docs/deploy.md says, the Deployment's pod template against the restricted Pod Security level, the same
// end-to-end scenario as the kustomize install (scenario.ts: operator as its ServiceAccount, samples, claims,
// metrics, kstatus, diff, failover, 403 check), then `helm upgrade` (a value changes the Deployment, and a
// rule removed by hand is put back) and `helm uninstall` (everything goes but the CRDs and the quota objects).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadAll } from 'js-yaml';
import type { ControlPlane } from '../../../src/envtest/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { CHART, helm, helmOk } from '../../support/helm.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { getJson } from './objects.ts';
import { operatorScenario } from './scenario.ts';
import { type Manifest, OPERATOR_NS } from './support.ts';

const plane = useControlPlane();
const RELEASE = 'milo-quota';
const CONFIGS = ['milo-quota-validation', 'milo-quota-enforcement'] as const;

const helmIn = (cp: ControlPlane, args: readonly string[]) =>
  helmOk([...args, '--namespace', OPERATOR_NS, '--kubeconfig', cp.kubeconfigPath]);

async function rendered(): Promise<Manifest[]> {
  const out = await helmOk(['template', RELEASE, CHART, '--namespace', OPERATOR_NS]);
  return (loadAll(out) as (Manifest | null)[]).filter((o): o is Manifest => o !== null);
}

const scenario = operatorScenario(plane, {
  name: 'the Helm release',
  manifests: rendered,
  removeWebhookConfigurations: async (cp) => {
    await kubectlOk(cp, ['delete', 'validatingwebhookconfiguration', ...CONFIGS]);
  },
  // an upgrade puts back what the release has and the cluster lost
  restoreWebhookConfigurations: async (cp) => {
    await helmIn(cp, ['upgrade', RELEASE, CHART, '--reuse-values']);
    for (const name of CONFIGS) await kubectlOk(cp, ['get', 'validatingwebhookconfiguration', name]);
  },
});
const { can } = scenario;

describe('helm install of config/helm/milo-quota, the operator as its ServiceAccount', () => {
  let installOutput = '';

  before(async () => {
    const cp = await plane.ready;
    // docs/deploy.md: the namespace first, at the restricted Pod Security level
    await kubectlOk(cp, ['create', 'namespace', OPERATOR_NS]);
    await kubectlOk(cp, [
      'label',
      'namespace',
      OPERATOR_NS,
      'pod-security.kubernetes.io/enforce=restricted',
      'pod-security.kubernetes.io/enforce-version=latest',
    ]);
    installOutput = await helmIn(cp, ['install', RELEASE, CHART]);
    await kubectlOk(cp, ['apply', '-k', repoPath('config/samples/resourcemanager')]);
    await kubectlOk(cp, ['apply', '-k', repoPath('config/rbac/demo')]);
    await kubectlOk(cp, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    await eventually('the aggregated role has the base and demo rules', async () => {
      return (
        (await can('create', 'allowancebuckets.quota.miloapis.com')) &&
        (await can('watch', 'organizations.resourcemanager.miloapis.com'))
      );
    });
  });

  it('helm install deploys the release: every rendered object is in the cluster', async () => {
    const cp = plane.current;
    assert.match(installOutput, /STATUS: deployed/);
    assert.match(installOutput, /milo quota operator is installed in namespace quota-system/);
    const status = await helmIn(cp, ['status', RELEASE, '-o', 'json']);
    assert.equal((JSON.parse(status) as { info: { status: string } }).info.status, 'deployed');
    const objects = await rendered();
    assert.ok(objects.length > 25, `${objects.length} objects`);
    for (const o of objects) {
      const where = o.metadata.namespace === undefined ? [] : ['-n', o.metadata.namespace];
      const kind = `${o.kind.toLowerCase()}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`;
      await kubectlOk(cp, ['get', kind.replace(/\.$/, ''), o.metadata.name, ...where]);
    }
    const deployment = await getJson(cp, ['deployment', '-n', OPERATOR_NS, 'milo-quota-operator']);
    assert.equal(deployment.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(deployment.metadata.annotations?.['meta.helm.sh/release-name'], RELEASE);
  });

  it('the Deployment passes the restricted Pod Security level of the namespace', async () => {
    const cp = plane.current;
    const deployment = JSON.parse(
      await kubectlOk(cp, ['get', 'deployment', '-n', OPERATOR_NS, 'milo-quota-operator', '-o', 'json']),
    ) as { spec: { template: { spec: object } } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'template', namespace: OPERATOR_NS } };
    await kubectlOk(
      cp,
      ['create', '--dry-run=server', '-f', '-'],
      JSON.stringify({ ...pod, spec: deployment.spec.template.spec }),
    );
    const privileged = { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] };
    const refused = await kubectlFails(
      cp,
      ['create', '--dry-run=server', '-f', '-'],
      JSON.stringify({ ...pod, spec: privileged }),
    );
    assert.match(refused, /violates PodSecurity "restricted/);
  });

  scenario.main();
  scenario.failover();

  it('helm upgrade: a hand edit is a conflict helm names; --force-conflicts puts the rule back, values apply', async () => {
    const cp = plane.current;
    await scenario.operator?.stop();
    assert.equal(
      await can('create', 'allowancebuckets.quota.miloapis.com'),
      false,
      'the negative control ran',
    );
    // url mode (the tests' and local development's) points the webhook configurations at a URL the
    // operator applies over the chart's Service; a cluster's operator does not (helm-service-mode.test.ts).
    // Put them back as shipped: the upgrade recreates them
    await kubectlOk(cp, ['delete', 'validatingwebhookconfiguration', ...CONFIGS]);
    // Helm 4 upgrades by server-side apply: the rule the negative control removed with kubectl patch is a
    // field another manager owns now; helm refuses and names it
    const conflict = await helm([
      'upgrade',
      RELEASE,
      CHART,
      '--reuse-values',
      '--namespace',
      OPERATOR_NS,
      '--kubeconfig',
      cp.kubeconfigPath,
    ]);
    assert.notEqual(conflict.code, 0);
    assert.match(conflict.stderr, /milo-quota-operator-base.*conflict with "kubectl-patch"/s);
    const out = await helmIn(cp, [
      'upgrade',
      RELEASE,
      CHART,
      '--reuse-values',
      '--force-conflicts',
      '--set',
      'replicas=3',
    ]);
    assert.match(out, /STATUS: deployed/);
    assert.match(out, /REVISION: 4/);
    const deployment = JSON.parse(
      await kubectlOk(cp, ['get', 'deployment', '-n', OPERATOR_NS, 'milo-quota-operator', '-o', 'json']),
    ) as { spec: { replicas: number } };
    assert.equal(deployment.spec.replicas, 3);
    await eventually('the aggregated role has the bucket rule again', () =>
      can('create', 'allowancebuckets.quota.miloapis.com'),
    );
    // and a value the schema refuses leaves the release as it was
    const bad = await helm([
      'upgrade',
      RELEASE,
      CHART,
      '--reuse-values',
      '--set',
      'webhook.certificates=vault',
      '--namespace',
      OPERATOR_NS,
      '--kubeconfig',
      cp.kubeconfigPath,
    ]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /'\/webhook\/certificates': value must be one of/);
    const history = await helmIn(cp, ['history', RELEASE, '-o', 'json']);
    assert.deepEqual(
      (JSON.parse(history) as { revision: number; status: string }[]).map((r) => r.status),
      ['superseded', 'superseded', 'failed', 'deployed'],
    );
  });

  it('helm uninstall removes the release and keeps the CRDs and the quota objects', async () => {
    const cp = plane.current;
    const grantsBefore = await getJson(cp, ['resourcegrants.quota.miloapis.com', '-A']);
    assert.ok((grantsBefore.items ?? []).length > 0);
    // No --wait: Kubernetes' clusterrole-aggregation-controller may re-create the aggregated ClusterRole
    // milo-quota-operator with a server-side apply queued before its deletion (a race that shows under load),
    // and `--wait` would then wait for it until its timeout. docs/deploy.md says to delete such a leftover.
    await helmIn(cp, ['uninstall', RELEASE]);
    for (const [kind, name] of [
      ['deployment', 'milo-quota-operator'],
      ['serviceaccount', 'milo-quota-operator'],
      ['service', 'milo-quota-webhook'],
      ['service', 'milo-quota-metrics'],
      ['poddisruptionbudget', 'milo-quota-operator'],
    ] as const) {
      assert.match(
        await kubectlFails(cp, ['get', kind, '-n', OPERATOR_NS, name]),
        /NotFound/,
        `${kind} ${name}`,
      );
    }
    await eventually(
      "the aggregated ClusterRole gone, or only the aggregation controller's leftover",
      async () => {
        const left = await cp.kubectl([
          'get',
          'clusterrole',
          'milo-quota-operator',
          '-o',
          'json',
          '--show-managed-fields',
        ]);
        if (left.code !== 0) return /NotFound/.test(left.stderr);
        const role = JSON.parse(left.stdout) as {
          aggregationRule?: unknown;
          metadata: { labels?: Record<string, string>; managedFields?: { manager?: string }[] };
        };
        const managers = new Set(role.metadata.managedFields?.map((m) => m.manager));
        // the release's own role has the aggregation rule and helm's labels; a leftover has neither
        return (
          role.aggregationRule === undefined &&
          role.metadata.labels === undefined &&
          managers.size === 1 &&
          managers.has('clusterrole-aggregation-controller')
        );
      },
    );
    for (const name of CONFIGS)
      assert.match(await kubectlFails(cp, ['get', 'validatingwebhookconfiguration', name]), /NotFound/);
    // kept: helm.sh/resource-policy keep on every CRD, so quota objects survive an uninstall
    assert.equal(
      (await kubectlOk(cp, ['get', 'crd', '-o', 'name'])).match(/quota\.miloapis\.com/g)?.length,
      6,
    );
    const grantsAfter = await getJson(cp, ['resourcegrants.quota.miloapis.com', '-A']);
    assert.equal(grantsAfter.items?.length, grantsBefore.items?.length);
    assert.equal(
      (await helm(['status', RELEASE, '-n', OPERATOR_NS, '--kubeconfig', cp.kubeconfigPath])).code,
      1,
    );
  });
});

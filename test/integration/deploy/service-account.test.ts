// The shipped manifests on a real control plane, and the operator running with exactly their permissions:
// `kubectl apply -k config/default` (client- and server-side, including the webhook configurations, which the
// operator may patch by name but not create), its Deployment's pod template against the restricted Pod
// Security level, then the end-to-end scenario of scenario.ts (the Helm install, helm.test.ts, runs the same)
// and the kustomize-specific check that the configurations it shipped are kept.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { getJson } from './objects.ts';
import { operatorScenario } from './scenario.ts';
import { kustomize, OPERATOR_NS } from './support.ts';

const plane = useControlPlane();
const WEBHOOK_MANIFEST = repoPath('config/webhook/validating_webhook_configurations.yaml');
let applyWarnings = '';
const scenario = operatorScenario(plane, {
  name: 'config/default',
  manifests: () => kustomize('config/default'),
  removeWebhookConfigurations: async (cp) => {
    await kubectlOk(cp, ['delete', '-f', WEBHOOK_MANIFEST]);
  },
  restoreWebhookConfigurations: async (cp) => {
    await kubectlOk(cp, ['apply', '-f', WEBHOOK_MANIFEST]);
  },
});
const { can } = scenario;

describe('deploying config/default and running the operator as its ServiceAccount', () => {
  before(async () => {
    const cp = await plane.ready;
    const applied = await cp.kubectl(['apply', '-k', repoPath('config/default')]);
    assert.equal(applied.code, 0, applied.stderr);
    applyWarnings = applied.stderr;
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

  it('kubectl apply -k config/default is accepted, again server-side', async () => {
    const cp = plane.current;
    const out = await kubectlOk(cp, ['apply', '--server-side', '-k', repoPath('config/default')]);
    assert.match(out, /deployment\.apps\/milo-quota-operator serverside-applied/);
    const deployment = JSON.parse(
      await kubectlOk(cp, ['get', 'deployment', '-n', OPERATOR_NS, 'milo-quota-operator', '-o', 'json']),
    );
    assert.equal(deployment.spec.replicas, 2);
    for (const [kind, name] of [
      ['serviceaccount', 'milo-quota-operator'],
      ['service', 'milo-quota-webhook'],
      ['poddisruptionbudget', 'milo-quota-operator'],
      ['role', 'milo-quota-operator'],
      ['rolebinding', 'milo-quota-operator'],
    ] as const) {
      await kubectlOk(cp, ['get', kind, '-n', OPERATOR_NS, name]);
    }
    await kubectlOk(cp, [
      'get',
      'clusterrole',
      'milo-quota-operator',
      'milo-quota-viewer',
      'milo-quota-editor',
      'milo-quota-admin',
    ]);
    assert.equal(
      (await kubectlOk(cp, ['get', 'crd', '-o', 'name'])).match(/quota\.miloapis\.com/g)?.length,
      6,
    );
    // Kubernetes' own view role picked up ours
    const view = await kubectlOk(cp, ['get', 'clusterrole', 'view', '-o', 'json']);
    assert.match(view, /allowancebuckets/);
  });

  it('the Deployment passes the restricted Pod Security level the namespace enforces', async () => {
    const cp = plane.current;
    assert.doesNotMatch(applyWarnings, /PodSecurity/);
    // its pod template, created as a Pod (server-side dry run): Pod Security admission enforces, not warns
    const deployment = JSON.parse(
      await kubectlOk(cp, ['get', 'deployment', '-n', OPERATOR_NS, 'milo-quota-operator', '-o', 'json']),
    ) as { spec: { template: { spec: object } } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'template', namespace: OPERATOR_NS } };
    const asPod = JSON.stringify({ ...pod, spec: deployment.spec.template.spec });
    await kubectlOk(cp, ['create', '--dry-run=server', '-f', '-'], asPod);
    // and a pod that breaks the level is refused there (so the check above can fail)
    const privileged = { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] };
    const refused = await kubectlFails(
      cp,
      ['create', '--dry-run=server', '-f', '-'],
      JSON.stringify({ ...pod, spec: privileged }),
    );
    assert.match(refused, /violates PodSecurity "restricted/);
  });

  scenario.main();

  it('keeps the shipped webhook configurations without creating them (url mode: repointed by patch)', async () => {
    const cp = plane.current;
    for (const name of ['milo-quota-validation', 'milo-quota-enforcement']) {
      const config = await getJson(cp, ['validatingwebhookconfiguration', name]);
      // applied by kubectl from config/webhook (url mode then takes every field over, so ask the annotation)
      const applied = config.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
      assert.match(applied ?? '', /"argocd.argoproj.io\/sync-wave":"-1"/, `${name} came from config/webhook`);
      assert.equal(config.metadata.labels?.['app.kubernetes.io/part-of'], 'milo-quota');
      for (const webhook of config.webhooks ?? []) assert.ok(webhook.clientConfig?.caBundle, name);
    }
  });

  scenario.failover();
});

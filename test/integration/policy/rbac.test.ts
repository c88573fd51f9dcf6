// The operator as a ServiceAccount with least privilege: a policy on a kind it may not watch is
// Ready=False with a message naming the missing permission and the aggregation label; applying the
// labelled ClusterRole from docs/rbac.md (verbatim) makes the policy Ready and its grants appear, without a
// restart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { RESOURCES } from '../../../src/cache/index.ts';
import { type RunningOperator, startOperator } from '../../../src/operator/operator.ts';
import { createClient, createLogger, type KubeClient } from '../../../src/runtime/index.ts';
import { makeRegistration } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { installCrds, kubectlOk, repoPath } from '../../support/kube.ts';
import { TEST_OPERATOR_OPTIONS } from '../../support/operator.ts';
import { condition, makeGrantPolicy, makeOrg, ORGS, policyReady, readyWhen, waitGrant } from './support.ts';

const plane = useControlPlane();
const USER = 'system:serviceaccount:quota-system:milo-quota-operator';
let operator: RunningOperator | undefined;
let admin: KubeClient;

/** The YAML block of docs/rbac.md that follows the `sample: trigger-kind-clusterrole` marker. */
function docSample(): string {
  const doc = readFileSync(repoPath('docs/rbac.md'), 'utf8');
  const match = /<!-- sample: trigger-kind-clusterrole -->\s*```yaml\n([\s\S]*?)```/.exec(doc);
  assert.ok(match?.[1], 'docs/rbac.md has the trigger-kind ClusterRole sample');
  return match[1];
}

function tokenKubeConfig(server: string, ca: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'envtest', server, caData: Buffer.from(ca).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'operator', token }],
    contexts: [{ name: 'operator', cluster: 'envtest', user: 'operator' }],
    currentContext: 'operator',
  });
  return kc;
}

describe('trigger-kind RBAC', () => {
  before(async () => {
    const cp = await plane.ready;
    admin = createClient(cp.kubeConfig);
    await installCrds(cp);
    await kubectlOk(cp, ['create', 'namespace', 'quota-system']);
    await kubectlOk(cp, ['apply', '-f', repoPath('test/integration/policy/fixtures/operator-rbac.yaml')]);
    // The aggregation controller copies the base rules into the operator's role.
    await eventually('base role aggregated', async () => {
      const r = await cp.kubectl([
        'auth',
        'can-i',
        'list',
        'grantcreationpolicies.quota.miloapis.com',
        `--as=${USER}`,
      ]);
      return r.stdout.trim() === 'yes';
    });
    const token = (
      await kubectlOk(cp, ['create', 'token', 'milo-quota-operator', '-n', 'quota-system', '--duration=2h'])
    ).trim();
    operator = startOperator(
      tokenKubeConfig(cp.server, cp.pki.ca.cert, token),
      { ...TEST_OPERATOR_OPTIONS, webhook: false },
      { logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'error' }), handleSignals: false },
    );
    await operator.manager.elected;
  });
  after(async () => {
    await operator?.stop();
  });

  it('reports the missing permission in the policy status', async () => {
    const cp = plane.current;
    const denied = await cp.kubectl([
      'auth',
      'can-i',
      'watch',
      'organizations.resourcemanager.miloapis.com',
      `--as=${USER}`,
    ]);
    assert.equal(denied.stdout.trim(), 'no');
    await admin.create(RESOURCES.registrations, makeRegistration('projects', 'example.com/projects'));
    await admin.create(ORGS, makeOrg('acme', 'Standard'));
    await admin.create(RESOURCES.grantPolicies, makeGrantPolicy('orgs'));
    const ready = await readyWhen(admin, 'orgs', (c) => c.status === 'False' && /may not/.test(c.message));
    assert.equal(ready.reason, 'ValidationFailed');
    assert.match(
      ready.message,
      new RegExp(`user ${USER}\\) may not get, list, watch organizations\\.resourcemanager\\.miloapis\\.com`),
    );
    assert.match(ready.message, /ClusterRole labelled quota\.miloapis\.com\/aggregate-to-operator: "true"/);
    assert.match(ready.message, /docs\/rbac\.md/);
  });

  it('acts once the labelled ClusterRole from docs/rbac.md is applied, without a restart', async (t) => {
    const start = performance.now();
    await kubectlOk(plane.current, ['apply', '-f', '-'], docSample());
    await policyReady(admin, 'orgs');
    const grant = await waitGrant(admin, 'quota-system', 'orgs-acme');
    t.diagnostic(
      `ClusterRole applied → policy Ready and grant created: ${(performance.now() - start).toFixed(0)} ms`,
    );
    assert.equal(grant.metadata.ownerReferences?.[0]?.name, 'acme');
    const policy = await admin.get(RESOURCES.grantPolicies, '', 'orgs');
    assert.equal(condition(policy as never, 'Ready')?.status, 'True');
  });
});

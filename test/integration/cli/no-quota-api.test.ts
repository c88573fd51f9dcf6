// A fresh control plane without the quota CRDs, and a kubeconfig pointing at nothing: the plugin and the
// client must say what is wrong and how to fix it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ClusterUnreachableError,
  ensureClaim,
  QuotaApiNotInstalledError,
  waitForDecision,
} from '../../../src/client/index.ts';
import { freePort, renderKubeconfig } from '../../../src/envtest/index.ts';
import { useControlPlane } from '../../support/cluster.ts';
import { ORG } from '../client/fixtures.ts';
import { runCli } from './run-cli.ts';

const plane = useControlPlane({ controllerManager: false });
const dir = mkdtempSync(join(tmpdir(), 'kubectl-quota-nowhere-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('without the quota CRDs', () => {
  it('every command says the quota API is not installed and how to install it (exit 3)', async () => {
    const env = { KUBECONFIG: plane.current.kubeconfigPath };
    const expected = `error: the quota API (quota.miloapis.com/v1alpha1) is not installed in the cluster at ${plane.current.server}: install the CRDs (kubectl apply -k config/crd, or the operator release manifests) or point at another cluster\n`;
    for (const args of [['usage'], ['explain', 'claim', 'x', '-n', 'default'], ['wait', 'claim', 'x']]) {
      const result = await runCli(args, env);
      assert.deepEqual(result, { code: 3, stdout: '', stderr: expected }, args.join(' '));
    }
  });

  it('the client throws QuotaApiNotInstalledError', async () => {
    const kc = plane.current.kubeConfig;
    const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'default', uid: 'u' };
    const requests = [{ resourceType: 'example.com/vcpus', amount: 1 }];
    await assert.rejects(
      ensureClaim(kc, { owner, namespace: 'default', consumerRef: ORG, requests }),
      QuotaApiNotInstalledError,
    );
    await assert.rejects(
      waitForDecision(kc, { namespace: 'default', name: 'x' }, { timeoutMs: 100 }),
      QuotaApiNotInstalledError,
    );
  });
});

describe('without a reachable cluster', () => {
  it('says which server cannot be reached (exit 3), and the client throws ClusterUnreachableError', async () => {
    const server = `https://127.0.0.1:${await freePort()}`;
    const config = join(dir, 'kubeconfig');
    writeFileSync(config, renderKubeconfig({ server, caCert: plane.current.pki.ca.cert, token: 't' }));
    const result = await runCli(['usage'], { KUBECONFIG: config });
    assert.deepEqual(result, {
      code: 3,
      stdout: '',
      stderr: `error: cannot reach the cluster at ${server} (connection refused): check that the cluster is running and that your kubeconfig or --context points at it\n`,
    });
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromFile(config);
    await assert.rejects(
      waitForDecision(kc, { namespace: 'default', name: 'x' }, { timeoutMs: 100 }),
      ClusterUnreachableError,
    );
  });
});

// Authenticated metrics on a real control plane (--metrics-secure): /metrics over HTTPS answers 401 without
// a token or with one the apiserver rejects, 403 to a ServiceAccount without the reader role, and the metrics
// to one bound to the shipped ClusterRole milo-quota-metrics-reader. The probes stay plain and open.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useControlPlane } from '../support/cluster.ts';
import { kubectlOk, repoPath } from '../support/kube.ts';
import { scrapeSecureMetrics } from '../support/metrics.ts';
import { useOperator } from '../support/operator.ts';

const plane = useControlPlane();
const op = useOperator(plane, { metricsSecure: true });
const NS = 'quota-system';
const tokens: Record<string, string> = {};

/** GET /metrics over TLS; the certificate is self-signed, so it is not verified (as Prometheus is told). */
const scrape = (token?: string) => scrapeSecureMetrics(op.operator.manager.metricsPort ?? 0, token);

describe('authenticated /metrics (--metrics-secure)', () => {
  before(async () => {
    const cp = await plane.ready;
    await kubectlOk(cp, ['apply', '-f', repoPath('config/rbac/metrics_reader_role.yaml')]);
    for (const sa of ['nobody', 'prometheus']) {
      await kubectlOk(cp, ['create', 'serviceaccount', sa, '-n', NS]);
      tokens[sa] = (await kubectlOk(cp, ['create', 'token', sa, '-n', NS, '--duration=1h'])).trim();
    }
    await kubectlOk(cp, [
      'create',
      'clusterrolebinding',
      'prometheus-metrics',
      '--clusterrole=milo-quota-metrics-reader',
      `--serviceaccount=${NS}:prometheus`,
    ]);
  });

  it('401 without a token, asking for a bearer token', async () => {
    const answer = await scrape();
    assert.equal(answer.status, 401);
    assert.equal(answer.challenge, 'Bearer');
  });

  it('401 with a token the apiserver does not accept', async () => {
    const forged = `${tokens.prometheus?.slice(0, -4)}AAAA`;
    assert.equal((await scrape('not-a-token')).status, 401);
    assert.equal((await scrape(forged)).status, 401);
  });

  it('403 for a ServiceAccount without the reader role', async () => {
    const answer = await scrape(tokens.nobody);
    assert.equal(answer.status, 403);
    assert.match(answer.body, /system:serviceaccount:quota-system:nobody" may not get path "\/metrics"/);
  });

  it('200 with the metrics for a ServiceAccount bound to milo-quota-metrics-reader', async () => {
    const answer = await scrape(tokens.prometheus);
    assert.equal(answer.status, 200, answer.body);
    assert.match(answer.body, /controller_runtime_reconcile_total/);
    // again within the cache's lifetime: the same answer
    assert.equal((await scrape(tokens.prometheus)).status, 200);
  });

  it('does not serve plain HTTP on the metrics port', async () => {
    const port = op.operator.manager.metricsPort;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
  });

  it('keeps the probes plain and unauthenticated', async () => {
    const port = op.operator.manager.probePort;
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(healthz.status, 200);
    const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(readyz.status, 200);
  });
});

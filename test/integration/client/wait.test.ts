// waitForDecision against a real apiserver. The test writes the decision through /status, as the operator
// will, and checks what the waiter reports and how fast.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import {
  ClaimDeletedError,
  ClaimNotFoundError,
  ensureClaim,
  releaseClaim,
  waitForDecision,
} from '../../../src/client/index.ts';
import { renderKubeconfig } from '../../../src/envtest/index.ts';
import { useControlPlane } from '../../support/cluster.ts';
import {
  createNamespace,
  createOwner,
  deniedStatus,
  grantedStatus,
  installCrds,
  ORG,
  pendingStatus,
  writeClaimStatus,
} from './fixtures.ts';

const plane = useControlPlane({ controllerManager: false });
const NS = 'waiting';
const kc = () => plane.current.kubeConfig;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function newClaim(name: string, requests = [{ resourceType: 'example.com/vcpus', amount: 4 }]) {
  const owner = await createOwner(kc(), NS, name);
  const { claim } = await ensureClaim(kc(), { owner, namespace: NS, consumerRef: ORG, requests });
  return { claim, ref: { namespace: NS, name: claim.metadata.name ?? '' } };
}

describe('waitForDecision', () => {
  before(async () => {
    await installCrds(plane.current);
    await createNamespace(kc(), NS);
  });

  it('returns within milliseconds of the Granted status write (watch, not polling)', async () => {
    const { claim, ref } = await newClaim('fast');
    let fellBack = false;
    const waiting = waitForDecision(kc(), ref, { timeoutMs: 10_000, onFallback: () => (fellBack = true) });
    await sleep(300); // the watch is open well before the write
    const written = performance.now();
    await writeClaimStatus(kc(), ref, grantedStatus(claim));
    const result = await waiting;
    const latency = performance.now() - written;
    console.log(
      `waitForDecision saw the Granted write after ${latency.toFixed(1)} ms (write round trip included)`,
    );
    assert.deepEqual(result, { outcome: 'granted', message: 'All 1 resource requests have been granted' });
    assert.ok(latency < 1000, `took ${latency} ms`);
    assert.equal(fellBack, false);
  });

  it('returns at once for a claim that is already decided', async () => {
    const { claim, ref } = await newClaim('decided');
    await writeClaimStatus(kc(), ref, grantedStatus(claim));
    assert.equal((await waitForDecision(kc(), ref, { timeoutMs: 0 })).outcome, 'granted');
  });

  it('never reads PendingEvaluation as a denial: it times out with the pending message', async () => {
    const { ref } = await newClaim('pending');
    const started = Date.now();
    const waiting = waitForDecision(kc(), ref, { timeoutMs: 1500 });
    await sleep(300);
    await writeClaimStatus(kc(), ref, pendingStatus('Awaiting capacity evaluation: 0 granted, 1 pending'));
    const result = await waiting;
    const elapsed = Date.now() - started;
    assert.deepEqual(result, {
      outcome: 'timeout',
      message: 'Awaiting capacity evaluation: 0 granted, 1 pending',
    });
    assert.ok(elapsed >= 1400 && elapsed < 4000, `timed out after ${elapsed} ms`);
  });

  it('reports a denial with each denied request, its amount and message', async () => {
    const requests = [
      { resourceType: 'example.com/vcpus', amount: 8 },
      { resourceType: 'example.com/instances', amount: 1 },
    ];
    const { claim, ref } = await newClaim('denied', requests);
    const waiting = waitForDecision(kc(), ref, { timeoutMs: 10_000 });
    await sleep(200);
    await writeClaimStatus(kc(), ref, deniedStatus(claim, 3));
    const result = await waiting;
    assert.equal(result.outcome, 'denied');
    assert.equal(result.outcome === 'denied' && result.reason, 'QuotaExceeded');
    assert.deepEqual(result.outcome === 'denied' && result.denials[0], {
      resourceType: 'example.com/vcpus',
      reason: 'QuotaExceeded',
      message: 'Resource quota exceeded: requested 8, available 3',
      requested: 8,
    });
    assert.equal(result.outcome === 'denied' && result.denials.length, 2);
  });

  it('fails clearly when the claim is deleted while waiting, or does not exist', async () => {
    const { ref } = await newClaim('deleted');
    const waiting = assert.rejects(
      waitForDecision(kc(), ref, { timeoutMs: 10_000 }),
      (e) => e instanceof ClaimDeletedError && /was deleted before it was decided/.test(e.message),
    );
    await sleep(200);
    assert.equal(await releaseClaim(kc(), ref), true);
    await waiting;
    assert.equal(await releaseClaim(kc(), ref), false);
    await assert.rejects(
      waitForDecision(kc(), { namespace: NS, name: 'nope' }, { timeoutMs: 100 }),
      (e) => e instanceof ClaimNotFoundError && /"nope" not found in namespace "waiting"/.test(e.message),
    );
  });

  it('stops when its signal aborts', async () => {
    const { ref } = await newClaim('aborted');
    const controller = new AbortController();
    const waiting = waitForDecision(kc(), ref, { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 200);
    await assert.rejects(waiting, /shutting down/);
  });

  it('falls back to GET polling when the user may get but not watch claims', async () => {
    const { claim, ref } = await newClaim('polled');
    const limited = await getOnlyUser();
    let fallback: Error | undefined;
    const waiting = waitForDecision(limited, ref, { timeoutMs: 10_000, onFallback: (e) => (fallback = e) });
    await sleep(200);
    await writeClaimStatus(kc(), ref, grantedStatus(claim));
    const started = Date.now();
    assert.equal((await waiting).outcome, 'granted');
    assert.match(String(fallback?.message), /Forbidden/);
    assert.ok(Date.now() - started < 3000, 'a poll every 1 to 1.5 s picks the decision up');
  });

  it('keeps waiting across an apiserver restart', async () => {
    const { claim, ref } = await newClaim('restart');
    const waiting = waitForDecision(kc(), ref, { timeoutMs: 60_000 });
    await sleep(200);
    await plane.current.restartApiserver();
    await writeClaimStatus(kc(), ref, grantedStatus(claim));
    assert.equal((await waiting).outcome, 'granted');
  });
});

/** A service account that may get resourceclaims in NS but not list or watch them. */
async function getOnlyUser(): Promise<KubeConfig> {
  const cp = plane.current;
  const manifest = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'poller', namespace: NS } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'get-claims', namespace: NS },
        rules: [{ apiGroups: ['quota.miloapis.com'], resources: ['resourceclaims'], verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'poller', namespace: NS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'get-claims' },
        subjects: [{ kind: 'ServiceAccount', name: 'poller', namespace: NS }],
      },
    ],
  };
  const applied = await cp.kubectl(['apply', '-f', '-'], { input: JSON.stringify(manifest) });
  assert.equal(applied.code, 0, applied.stderr);
  const token = await cp.kubectl(['create', 'token', 'poller', '-n', NS]);
  assert.equal(token.code, 0, token.stderr);
  const limited = new KubeConfig();
  limited.loadFromString(
    renderKubeconfig({ server: cp.server, caCert: cp.pki.ca.cert, token: token.stdout.trim() }),
  );
  return limited;
}

// Leader election across real operator processes (fixtures/manager-proc.ts) sharing one Lease
// (lease 4 s, renew deadline 3 s, retry 0.5 s): only the leader reconciles; a SIGKILLed leader is replaced
// once its lease expires; a SIGTERMed leader finishes in-flight work, releases, and is replaced at once;
// a leader that cannot renew exits before its lease could expire.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createClient, kubeRequest } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { killAll, type ManagerProcess, spawnManager } from './manager-procs.ts';
import { configMaps, ensureNamespace } from './support.ts';

const plane = useControlPlane({ controllerManager: false });
const leaseMs = 4000;
const retryMs = 500;
const ns = 'election';

const holder = async () =>
  (
    await kubeRequest<{ spec: { holderIdentity?: string } }>(plane.current.kubeConfig, {
      method: 'GET',
      path: `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/runtime-test`,
    })
  ).spec.holderIdentity ?? '';
const reconciles = (p: ManagerProcess) => p.reports.filter((r) => r.event === 'reconcile');
const probe = async (p: ManagerProcess, path: string) =>
  (await fetch(`http://127.0.0.1:${p.seen('listening')?.probePort}${path}`)).status;

describe('leader election between processes', () => {
  it('one leader reconciles; SIGKILL fails over after the lease; SIGTERM hands over at once; no renew, no leader', async (t: TestContext) => {
    const client = createClient(plane.current.kubeConfig);
    await ensureNamespace(client, ns);
    const start = (id: string) =>
      spawnManager(plane.current.kubeconfigPath, id, { namespace: ns, lease: 'runtime-test', workMs: 400 });
    const procs = [start('alpha'), start('beta')];
    t.after(() => killAll(procs));
    const fail = (what: string) => (err: Error) =>
      assert.fail(
        `${what}: ${err.message}\n${procs.map((p) => `--- ${p.identity}\n${p.stderr().slice(-3000)}`).join('\n')}`,
      );

    // 1. Exactly one leader; both replicas have synced caches (ready), only the leader reconciles.
    await eventually('a leader', () => procs.some((p) => p.seen('elected')), 30_000).catch(fail('election'));
    const leader = procs.find((p) => p.seen('elected')) as ManagerProcess;
    const standby = procs.find((p) => p !== leader) as ManagerProcess;
    assert.equal(await holder(), leader.identity);
    await eventually(
      'both ready',
      async () => (await probe(leader, '/readyz')) === 200 && (await probe(standby, '/readyz')) === 200,
    );
    for (const name of ['a', 'b', 'c'])
      await client.create(configMaps, { metadata: { name, namespace: ns } });
    await eventually('the leader reconciled all', () =>
      ['a', 'b', 'c'].every((n) => leader.seen('reconciled', `${ns}/${n}`)),
    );
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(reconciles(standby).length, 0, 'the standby never reconciles');
    assert.equal(standby.seen('elected'), undefined);

    // 2. SIGKILL: no release, so the standby must wait for the lease to expire, then takes over.
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await eventually('the standby to take over', () => standby.seen('elected'), 20_000).catch(
      fail('failover'),
    );
    const failover = (standby.seen('elected')?.t ?? 0) - killedAt;
    assert.ok(failover <= leaseMs + 3 * retryMs + 1500, `took over in ${failover} ms (lease ${leaseMs} ms)`);
    assert.equal(await holder(), standby.identity);
    await eventually('the new leader reconciles everything again', () =>
      ['a', 'b', 'c'].every((n) => standby.seen('reconciled', `${ns}/${n}`)),
    );

    // 3. SIGTERM with a reconcile in flight: it finishes, the lease is released, the next replica starts
    //    only afterwards, and much sooner than a lease expiry.
    const next = start('gamma');
    procs.push(next);
    await eventually(
      'gamma ready',
      async () => next.seen('listening') && (await probe(next, '/readyz')) === 200,
    );
    await client.create(configMaps, { metadata: { name: 'inflight', namespace: ns } });
    await eventually('the reconcile to start', () => standby.seen('reconcile', `${ns}/inflight`));
    const termAt = Date.now();
    standby.child.kill('SIGTERM');
    assert.equal(await standby.exited, 0, 'clean exit');
    const done = standby.seen('reconciled', `${ns}/inflight`);
    assert.ok(done, 'the in-flight reconcile finished before exit');
    await eventually('gamma to take over', () => next.seen('elected'), 20_000).catch(fail('handover'));
    const handover = (next.seen('elected')?.t ?? 0) - termAt;
    assert.ok(handover < leaseMs, `handed over in ${handover} ms, faster than the ${leaseMs} ms lease`);
    assert.ok((next.seen('elected')?.t ?? 0) >= (done?.t ?? Infinity), 'no overlap with the old leader');
    assert.ok(handover < failover, `clean handover (${handover} ms) beats failover (${failover} ms)`);
    assert.equal(await holder(), next.identity);

    // 4. A leader that cannot renew (apiserver hung) stops before its lease could expire: it exits (code 1).
    const pausedAt = Date.now();
    plane.current.apiserver.pause(true);
    let code: number | null;
    try {
      code = await Promise.race([
        next.exited,
        new Promise<null>((r) => setTimeout(() => r(null), 3 * leaseMs)),
      ]);
    } finally {
      plane.current.apiserver.pause(false);
    }
    const stoppedAfter = Date.now() - pausedAt;
    assert.equal(code, 1, 'exited because leadership was lost');
    assert.ok(
      stoppedAfter < leaseMs,
      `stopped ${stoppedAfter} ms after its last chance to renew (lease ${leaseMs} ms)`,
    );
    t.diagnostic(
      `failover ${failover} ms, handover ${handover} ms, stop on renew failure ${stoppedAfter} ms`,
    );
  });
});

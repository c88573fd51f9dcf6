// Member clusters registered as Argo CD cluster Secrets (docs/multicluster.md), on two real control planes: the
// quota cluster runs the registry in-process; the member is a second apiserver. A member is served without a
// restart, a bad Secret is refused with the key that is wrong, an unreachable member stays registered (its
// claims must not be freed) and is Ready again when it answers, and deleting its Secret removes it.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  ANNOTATION_MEMBER_MESSAGE,
  ANNOTATION_MEMBER_STATE,
  SECRETS,
  setupMemberRegistry,
} from '../../../src/controllers/members/registry.ts';
import { createClient, createLogger, type KubeObject, Manager } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { b64, MEMBER_NAMESPACE, memberSecret } from '../../support/members.ts';

const quota = useControlPlane({ controllerManager: false });
const member = useControlPlane({ controllerManager: false });
const NAMESPACE = MEMBER_NAMESPACE;

describe('member registry', () => {
  it('serves members from Secrets without a restart, and reports their state on them', async (t: TestContext) => {
    const kc = quota.current.kubeConfig;
    const client = createClient(kc);
    await client.create({ group: '', version: 'v1', plural: 'namespaces', namespaced: false }, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NAMESPACE },
    } as KubeObject);
    const mgr = new Manager({
      kubeConfig: kc,
      logger: createLogger({ silent: true }),
      probes: false,
      metrics: false,
      handleSignals: false,
    });
    const registry = setupMemberRegistry(mgr, {
      namespace: NAMESPACE,
      probeIntervalMs: 500,
      probeTimeoutMs: 2_000,
    });
    const stop = new AbortController();
    const running = mgr.start(stop.signal);
    t.after(async () => {
      stop.abort();
      await running;
    });
    const annotation = async (name: string, key: string) =>
      (await client.get<KubeObject>(SECRETS, NAMESPACE, name)).metadata?.annotations?.[key];

    // a valid member, added while the operator runs
    await client.create(SECRETS, memberSecret('p1', member.current));
    await eventually(
      'p1 Ready on its Secret',
      async () => (await annotation('member-p1', ANNOTATION_MEMBER_STATE)) === 'Ready',
      30_000,
    );
    const p1 = registry.get('p1');
    assert.equal(p1?.reachable, true);
    assert.equal(registry.hasSynced(), true, 'every member Secret listed has been read');
    assert.equal(p1?.cluster.claimNamespace, 'quota-member-p1');
    assert.equal(p1?.cluster.webhookClientCa, member.current.webhookClientCa);
    // the client really talks to the member, with the member's credentials
    const namespaces = await p1?.client.get<KubeObject>(
      { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
      '',
      'default',
    );
    assert.equal(namespaces?.metadata?.name, 'default');

    // a bad Secret: refused, the key and the fix named, nothing served under its name
    await client.create(SECRETS, memberSecret('p9', member.current, { server: b64('http://plain') }));
    await eventually(
      'p9 Invalid',
      async () => (await annotation('member-p9', ANNOTATION_MEMBER_STATE)) === 'Invalid',
      30_000,
    );
    assert.match(
      (await annotation('member-p9', ANNOTATION_MEMBER_MESSAGE)) ?? '',
      /data\.server: .*https:\/\//,
    );
    assert.equal(registry.get('p9'), undefined);

    // a second Secret claiming p1's name does not take it over
    await client.create(SECRETS, {
      ...memberSecret('p1', member.current),
      metadata: { ...memberSecret('p1', member.current).metadata, name: 'member-p1-copy' },
    });
    await eventually(
      'the copy Invalid',
      async () => (await annotation('member-p1-copy', ANNOTATION_MEMBER_STATE)) === 'Invalid',
      30_000,
    );
    assert.match(
      (await annotation('member-p1-copy', ANNOTATION_MEMBER_MESSAGE)) ?? '',
      /already registered by Secret member-p1/,
    );

    // the member goes away: Unreachable, still registered; back: Ready
    await member.current.apiserver.stop();
    await eventually(
      'p1 Unreachable',
      async () => (await annotation('member-p1', ANNOTATION_MEMBER_STATE)) === 'Unreachable',
      30_000,
    );
    assert.equal(registry.get('p1')?.reachable, false, 'an unreachable member stays registered');
    assert.match((await annotation('member-p1', ANNOTATION_MEMBER_MESSAGE)) ?? '', /claims are kept/);
    await member.current.startApiserver();
    await eventually('p1 Ready again', async () => registry.get('p1')?.reachable === true, 60_000);

    // removed by deleting its Secret, no restart
    await client.delete(SECRETS, NAMESPACE, 'member-p1');
    await eventually('p1 gone', async () => registry.get('p1') === undefined, 30_000);
  });
});

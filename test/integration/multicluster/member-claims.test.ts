// Claims for objects in a member cluster (docs/multicluster.md, "Lifecycle across clusters"), on two real
// control planes: deleting the object in the member releases its claim in the quota cluster; an object that
// never appears is an orphan after the grace period; while the operator cannot reach the member nothing is
// released, and deletions made meanwhile are released once it can again (issue #18, steps 5 and 7).
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import {
  ANNOTATION_MEMBER_RESOURCE,
  LABEL_AUTO_CREATED,
  LABEL_MEMBER_CLUSTER,
  LABEL_RESOURCE_UID,
  type ResourceClaim,
} from '../../../src/api/index.ts';
import { QuotaCache, RESOURCES } from '../../../src/cache/index.ts';
import { setupMemberClaimsController } from '../../../src/controllers/members/member-claims.ts';
import {
  ANNOTATION_MEMBER_STATE,
  SECRETS,
  setupMemberRegistry,
} from '../../../src/controllers/members/registry.ts';
import {
  createClient,
  createLogger,
  type KubeClient,
  type KubeObject,
  Manager,
} from '../../../src/runtime/index.ts';
import { makeClaim, org } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { installCrds } from '../../support/kube.ts';
import { b64, MEMBER_NAMESPACE, memberSecret } from '../../support/members.ts';

const quota = useControlPlane({ controllerManager: false });
const member = useControlPlane({ controllerManager: false });
const CLAIMS_NS = 'quota-member-p1';
const GRACE_MS = 3_000;
const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };

const namespace = (name: string) =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubeObject;

/** A Secret in the member's `default` namespace. */
async function memberObject(client: KubeClient, name: string): Promise<string> {
  const created = await client.create(SECRETS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'default' },
  } as KubeObject);
  return created.metadata?.uid ?? '';
}

/** The claim the enforcement path makes for a Secret created in member p1. */
function memberClaim(name: string, object: string, uid: string): ResourceClaim {
  const claim = makeClaim(name, CLAIMS_NS, org('acme')).request('example.com/secrets', 1).build();
  return {
    ...claim,
    metadata: {
      ...claim.metadata,
      labels: { [LABEL_AUTO_CREATED]: 'true', [LABEL_MEMBER_CLUSTER]: 'p1', [LABEL_RESOURCE_UID]: uid },
      annotations: { [ANNOTATION_MEMBER_RESOURCE]: 'v1/secrets' },
    },
    spec: {
      ...claim.spec,
      resourceRef: { apiGroup: '', kind: 'Secret', name: object, namespace: 'default' },
    },
  };
}

describe('member claims', () => {
  it('are released when their object goes in the member, never while the member cannot be seen', async (t: TestContext) => {
    const kc = quota.current.kubeConfig;
    const client = createClient(kc);
    const memberClient = createClient(member.current.kubeConfig);
    await installCrds(quota.current);
    await client.create(NAMESPACES, namespace(MEMBER_NAMESPACE));
    await client.create(NAMESPACES, namespace(CLAIMS_NS));
    const mgr = new Manager({
      kubeConfig: kc,
      logger: createLogger({ silent: true }),
      probes: false,
      metrics: false,
      handleSignals: false,
    });
    const caches = new QuotaCache(mgr.informers);
    const registry = setupMemberRegistry(mgr, {
      namespace: MEMBER_NAMESPACE,
      probeIntervalMs: 500,
      probeTimeoutMs: 2_000,
    });
    setupMemberClaimsController(mgr, caches, registry, {
      orphanGracePeriodMs: GRACE_MS,
      unknownRecheckMs: 500,
    });
    const stop = new AbortController();
    const running = mgr.start(stop.signal);
    t.after(async () => {
      stop.abort();
      await running;
    });
    await client.create(SECRETS, memberSecret('p1', member.current));
    await eventually('p1 Ready', async () => registry.get('p1')?.reachable === true, 30_000);
    const claimExists = async (name: string) => {
      try {
        await client.get(RESOURCES.claims, CLAIMS_NS, name);
        return true;
      } catch {
        return false;
      }
    };

    // 1. an object that exists keeps its claim past the grace period; deleting it in the member frees it
    const kept = await memberObject(memberClient, 's1');
    await client.create(RESOURCES.claims, memberClaim('c1', 's1', kept));
    // 2. an object that never appears: an orphan after the grace period
    await client.create(RESOURCES.claims, memberClaim('c2', 'never', 'no-such-uid'));
    await eventually('the orphan released', async () => !(await claimExists('c2')), 30_000);
    assert.equal(await claimExists('c1'), true, 'a claim whose object exists stays');
    await memberClient.delete(SECRETS, 'default', 's1');
    await eventually(
      'c1 released after s1 is deleted in the member',
      async () => !(await claimExists('c1')),
      30_000,
    );

    // 3. a partition: the operator cannot reach p1 while s3 is deleted there; nothing is freed until it can
    const partitioned = await memberObject(memberClient, 's3');
    await client.create(RESOURCES.claims, memberClaim('c3', 's3', partitioned));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await client.patch(SECRETS, MEMBER_NAMESPACE, 'member-p1', 'merge', {
      data: { server: b64('https://127.0.0.1:1') },
    });
    await eventually(
      'p1 Unreachable',
      async () =>
        (await client.get<KubeObject>(SECRETS, MEMBER_NAMESPACE, 'member-p1')).metadata?.annotations?.[
          ANNOTATION_MEMBER_STATE
        ] === 'Unreachable',
      30_000,
    );
    await memberClient.delete(SECRETS, 'default', 's3');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS * 2));
    assert.equal(await claimExists('c3'), true, 'a partition frees no quota');
    await client.patch(SECRETS, MEMBER_NAMESPACE, 'member-p1', 'merge', {
      data: { server: b64(member.current.server) },
    });
    await eventually('c3 released once p1 is seen again', async () => !(await claimExists('c3')), 30_000);
  });
});

// Enforced creates through the webhook with two operator replicas and leader changes (issue 10): both replicas
// serve the webhook on one shared port (SO_REUSEPORT, as a Service would front them), one decides. The leader
// is SIGKILLed mid-run and later the other is stopped cleanly; creates that meet an outage are retried like a
// client would (504, 5xx). Afterwards exactly `room` objects exist, each with one Granted claim, nothing else
// is left, and the bucket equals the claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/controllers/index.ts';
import { freePort } from '../../src/envtest/index.ts';
import { bucketName, formatConsumerKey } from '../../src/quota/index.ts';
import {
  createClient,
  isAlreadyExists,
  KubeApiError,
  kubeRequest,
  resourcePath,
} from '../../src/runtime/index.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { installCrds } from '../support/kube.ts';
import { OperatorProcess } from '../support/operator-process.ts';
import { FAULTS_ENABLED, QUOTA_NS, retrying, SKIP_REASON } from './support.ts';

const plane = useControlPlane();
const OBJECTS = 120;
const ROOM = 60;
const TYPE = 'faults.example.com/configmaps';
const NS = 'enforced';
const FAULTS = new Map<number, [number, 'SIGKILL' | 'SIGTERM']>([
  [30, [0, 'SIGKILL']],
  [60, [1, 'SIGKILL']],
  [90, [0, 'SIGTERM']],
]);

const policy = `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata:
  name: configmaps
spec:
  trigger:
    resource:
      apiVersion: v1
      kind: ConfigMap
    constraints:
      - expression: trigger.metadata.namespace == "${NS}"
  target:
    resourceClaimTemplate:
      metadata:
        name: cm-{{trigger.metadata.name}}
        namespace: ${QUOTA_NS}
      spec:
        consumerRef:
          apiGroup: resourcemanager.miloapis.com
          kind: Organization
          name: replicas-org
        requests:
          - resourceType: ${TYPE}
            amount: 1
`;

describe('enforcement with two replicas and leader changes', {
  skip: FAULTS_ENABLED ? false : SKIP_REASON,
}, () => {
  it(`admits exactly ${ROOM} of ${OBJECTS} enforced creates across a SIGKILLed leader and a clean handover`, async () => {
    const cp = plane.current;
    await installCrds(cp);
    await cp.kubectl(['create', 'namespace', QUOTA_NS]);
    await cp.kubectl(['create', 'namespace', NS]);
    const client = createClient(cp.kubeConfig);
    await client.create(
      RESOURCES.registrations,
      makeRegistration('configmaps', TYPE, undefined, [{ apiGroup: '', kind: 'ConfigMap' }]),
    );
    await client.create(
      RESOURCES.grants,
      makeGrant('replicas', QUOTA_NS, org('replicas-org')).allow(TYPE, ROOM).build(),
    );
    const port = await freePort();
    const args = [
      '--leader-elect=true',
      '--enable-webhooks=true',
      '--webhook-url-host=127.0.0.1',
      `--webhook-port=${port}`,
    ];
    const replicas = [new OperatorProcess(cp, args), new OperatorProcess(cp, args)];
    for (const r of replicas) r.start();
    try {
      const applied = await retrying('apply the policy', async () => {
        const result = await cp.kubectl(['apply', '-f', '-'], { input: policy });
        if (result.code !== 0) throw new KubeApiError(500, 'Retry', result.stderr);
        return result;
      });
      assert.equal(applied.code, 0);
      await eventually(
        'the policy Ready and enforced',
        async () => {
          const out = await cp.kubectl([
            'get',
            'validatingwebhookconfiguration',
            'milo-quota-enforcement',
            '-o',
            'jsonpath={.webhooks[0].rules[0].resources[0]}',
          ]);
          return out.stdout === 'configmaps';
        },
        60_000,
        200,
      );
      const leader = async () => {
        const lease = await kubeRequest<{ spec?: { holderIdentity?: string } }>(cp.kubeConfig, {
          method: 'GET',
          path: `/apis/coordination.k8s.io/v1/namespaces/${QUOTA_NS}/leases/milo-quota-operator`,
        });
        return lease.spec?.holderIdentity ?? '';
      };
      let refused = 0;
      let created = 0;
      let next = 0;
      const faults: string[] = [];
      const worker = async () => {
        while (next < OBJECTS) {
          const name = `cm-${next++}`;
          const outcome = await retrying(
            `create ${name}`,
            async () => {
              try {
                await kubeRequest(cp.kubeConfig, {
                  method: 'POST',
                  path: `/api/v1/namespaces/${NS}/configmaps`,
                  body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: 'v' } },
                });
                return 'created';
              } catch (error) {
                if (isAlreadyExists(error)) return 'created';
                if (error instanceof KubeApiError && error.status === 403) return 'refused';
                throw error;
              }
            },
            180_000,
          );
          if (outcome === 'refused') refused += 1;
          else created += 1;
          const done = created + refused;
          // SIGKILL replica 0, then replica 1: whichever leads at first, one of the two kills hits the leader
          // (if 0 led, 1 took over and is killed next). Then a clean stop of replica 0.
          const fault = FAULTS.get(done);
          if (fault !== undefined) {
            const [index, how] = fault;
            const holder = await leader();
            const replica = replicas[index];
            if (how === 'SIGKILL') await replica?.kill();
            else await replica?.stop();
            replica?.start();
            faults.push(`${how} replica ${index} (lease holder ${holder.slice(0, 11)})`);
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const configMaps = await kubeRequest<{ items: { metadata: { name: string } }[] }>(cp.kubeConfig, {
        method: 'GET',
        path: `/api/v1/namespaces/${NS}/configmaps`,
      });
      const admitted = configMaps.items.filter((c) => c.metadata.name.startsWith('cm-'));
      const settled = await eventually(
        'claims to settle: one Granted claim per admitted object, nothing else',
        async () => {
          const list = await kubeRequest<{ items: ResourceClaim[] }>(cp.kubeConfig, {
            method: 'GET',
            path: resourcePath(RESOURCES.claims, QUOTA_NS),
          });
          const granted = list.items.filter(
            (c) => c.status?.conditions?.find((x) => x.type === 'Granted')?.status === 'True',
          );
          return list.items.length === granted.length && granted.length === admitted.length
            ? list.items
            : undefined;
        },
        120_000,
        500,
      );
      const bucket = await client.get<{ status?: { allocated?: number; limit?: number } }>(
        RESOURCES.buckets,
        QUOTA_NS,
        bucketName(formatConsumerKey(org('replicas-org')), TYPE),
      );
      console.log(
        `two replicas: ${faults.join('; ')}; ${admitted.length} admitted, ${refused} refused, ${settled.length} claims, bucket allocated ${bucket.status?.allocated}/${bucket.status?.limit}`,
      );
      assert.equal(admitted.length, ROOM);
      assert.equal(refused, OBJECTS - ROOM);
      assert.equal(bucket.status?.allocated, ROOM);
      const owners = new Set(settled.map((c) => c.spec.resourceRef?.name));
      assert.equal(owners.size, ROOM, 'one claim per admitted object');
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
    }
  });
});

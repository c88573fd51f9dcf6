// The example service end to end on a real control plane, with the quota operator and the service running
// in this process: deferred provisioning, denial with the claim's message, and release on deletion.
// Quota for acme (config/grant.yaml): 3 instances, 8 vCPUs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ANNOTATION_OWNER_UID } from '@milo-quota/client';
import { type AllowanceBucket, PLURALS, type ResourceClaim } from '@milo-quota/client/api';
import { isNotFound } from '@milo-quota/client/runtime';
import { bucketNameFor, org } from '../../test/support/builders.ts';
import { eventually, useControlPlane } from '../../test/support/cluster.ts';
import { kubectlFails, kubectlOk } from '../../test/support/kube.ts';
import { useOperator } from '../../test/support/operator.ts';
import { CLAIMS, claimNameOf } from './claim.ts';
import { API_VERSION, INSTANCES, type Instance, RESOURCE_INSTANCES, RESOURCE_VCPUS } from './instance.ts';
import type { RunningService } from './service.ts';
import { installExample, StateRecorder, startService, waitForGarbageCollector } from './test-helpers.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const NS = 'team-a';
const key = (name: string) => `${NS}/${name}`;

async function createInstance(name: string, vcpus: number): Promise<Instance> {
  const body: Instance = {
    apiVersion: API_VERSION,
    kind: 'Instance',
    metadata: { name, namespace: NS },
    spec: { vcpus, organization: 'acme' },
  };
  return env.client.create(INSTANCES, body);
}

const getInstance = (name: string) => env.client.get<Instance>(INSTANCES, NS, name);
const getClaim = (instance: string) => env.client.get<ResourceClaim>(CLAIMS, NS, claimNameOf(NS, instance));

async function claimGone(instance: string): Promise<boolean> {
  try {
    await getClaim(instance);
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw error;
  }
}

const BUCKETS = { ...CLAIMS, plural: PLURALS.AllowanceBucket, kind: 'AllowanceBucket' };

/** The Organization acme's allocated amount of `resourceType`, from its bucket. */
async function allocated(resourceType: string): Promise<number | undefined> {
  const name = bucketNameFor(org('acme'), resourceType);
  const bucket = await env.client.get<AllowanceBucket>(BUCKETS, 'quota-system', name);
  return bucket.status?.allocated;
}

describe('instance-service: deferred provisioning on a service-managed claim', () => {
  let service: RunningService | undefined;
  let recorder: StateRecorder | undefined;
  const seen = () => {
    if (!recorder) throw new Error('the recorder is not started');
    return recorder;
  };

  before(async () => {
    const started = await plane.ready;
    await installExample(started);
    await kubectlOk(started, ['create', 'namespace', NS]);
    await waitForGarbageCollector(env.client, NS);
    recorder = new StateRecorder(started);
    await recorder.start();
    service = startService(started);
    await service.manager.informers.waitForSync();
  });

  after(async () => {
    await service?.stop();
    await recorder?.stop();
  });

  it('runs the Instances that fit and stops the next one at QuotaExceeded with the claim message', async () => {
    await createInstance('web-1', 2);
    const web1 = await seen().reached(key('web-1'), 'Running');
    await createInstance('web-2', 4);
    await seen().reached(key('web-2'), 'Running');
    await createInstance('batch-1', 4);
    await seen().reached(key('batch-1'), 'QuotaExceeded');

    for (const name of ['web-1', 'web-2']) {
      assert.deepEqual(seen().phases(key(name)), ['PendingQuota', 'Provisioning', 'Running']);
      assert.deepEqual(seen().quotaGranted(key(name)), ['False/PendingEvaluation', 'True/QuotaAvailable']);
    }
    assert.deepEqual(seen().phases(key('batch-1')), ['PendingQuota', 'QuotaExceeded']);
    assert.deepEqual(seen().quotaGranted(key('batch-1')), ['False/PendingEvaluation', 'False/QuotaExceeded']);

    // The decision reaches the Instance through the claim informer: well inside one 5 s polling period.
    const pendingAt = web1.find((s) => s.phase === 'PendingQuota')?.at ?? 0;
    const provisioningAt = web1.find((s) => s.phase === 'Provisioning')?.at ?? Number.POSITIVE_INFINITY;
    assert.ok(provisioningAt - pendingAt < 4000, `granted after ${provisioningAt - pendingAt} ms`);

    const batch = await getInstance('batch-1');
    const batchClaim = await getClaim('batch-1');
    const claimGranted = batchClaim.status?.conditions?.find((c) => c.type === 'Granted');
    assert.equal(claimGranted?.reason, 'QuotaExceeded');
    assert.equal(batch.status?.message, claimGranted?.message, 'status.message is the claim message');
    const condition = batch.status?.conditions?.find((c) => c.type === 'QuotaGranted');
    assert.match(condition?.message ?? '', /compute\.example\.com\/vcpus: .*requested 4, available 2/);
    assert.equal(condition?.observedGeneration, batch.metadata.generation);
    assert.equal(batch.status?.observedGeneration, batch.metadata.generation);
  });

  it('claims 1 instance and spec.vcpus vCPUs for the Organization, owned by the Instance', async () => {
    const instance = await getInstance('web-2');
    const claim = await getClaim('web-2');
    assert.deepEqual(claim.spec.consumerRef, org('acme'));
    assert.deepEqual(
      [...claim.spec.requests].sort((a, b) => a.resourceType.localeCompare(b.resourceType)),
      [
        { resourceType: 'compute.example.com/instances', amount: 1 },
        { resourceType: 'compute.example.com/vcpus', amount: 4 },
      ],
    );
    assert.deepEqual(claim.spec.resourceRef, {
      apiGroup: 'compute.example.com',
      kind: 'Instance',
      name: 'web-2',
      namespace: NS,
    });
    assert.deepEqual(
      claim.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]),
      [['Instance', 'web-2', instance.metadata.uid]],
    );
    await eventually('bucket figures 6 vCPUs and 2 instances', async () => {
      const figures = [await allocated(RESOURCE_VCPUS), await allocated(RESOURCE_INSTANCES)];
      return figures[0] === 6 && figures[1] === 2;
    });
  });

  it('frees the quota of a deleted Instance, so a new Instance is granted and runs', async () => {
    await env.client.delete(INSTANCES, NS, 'web-2');
    await eventually('the claim of web-2 to be released', () => claimGone('web-2'));
    await eventually('4 vCPUs back', async () => (await allocated(RESOURCE_VCPUS)) === 2);
    await createInstance('web-3', 4);
    await seen().reached(key('web-3'), 'Running');
    assert.deepEqual(seen().phases(key('web-3')), ['PendingQuota', 'Provisioning', 'Running']);
    // Decided is final: the denied Instance stays denied although capacity came back.
    assert.equal((await getInstance('batch-1')).status?.phase, 'QuotaExceeded');
  });

  it('releases the claim itself when the garbage collector cannot (no ownerReference)', async () => {
    await env.client.patch(CLAIMS, NS, claimNameOf(NS, 'web-3'), 'merge', {
      metadata: { ownerReferences: null },
    });
    assert.equal((await getClaim('web-3')).metadata.ownerReferences, undefined);
    await env.client.delete(INSTANCES, NS, 'web-3');
    await eventually('the service to delete the claim of web-3', () => claimGone('web-3'), 10_000);
    await eventually('4 vCPUs back', async () => (await allocated(RESOURCE_VCPUS)) === 2);
  });

  it('claims again when a denied claim is deleted, and runs once the new claim is granted', async () => {
    await env.client.delete(CLAIMS, NS, claimNameOf(NS, 'batch-1'));
    await seen().reached(key('batch-1'), 'Running');
    assert.deepEqual(seen().phases(key('batch-1')), [
      'PendingQuota',
      'QuotaExceeded',
      'PendingQuota',
      'Provisioning',
      'Running',
    ]);
    assert.equal(
      (await getClaim('batch-1')).status?.conditions?.find((c) => c.type === 'Granted')?.status,
      'True',
    );
  });

  it('on start, releases claims of Instances deleted while it was down and of earlier same-name Instances', async () => {
    await createInstance('web-4', 1);
    await seen().reached(key('web-4'), 'Running');
    await service?.stop();
    // Orphan deletion: the garbage collector strips the claims' ownerReferences instead of deleting them, so
    // only the service releases these claims (dropping the references by hand raced the operator re-linking
    // them while the Instances still existed).
    for (const name of ['web-4', 'web-1'])
      await kubectlOk(plane.current, ['delete', 'instance', name, '-n', NS, '--cascade=orphan']);
    await eventually('web-1 gone', async () => {
      try {
        await getInstance('web-1');
        return false;
      } catch (error) {
        return isNotFound(error);
      }
    });
    const web1 = await createInstance('web-1', 2);
    assert.equal(await claimGone('web-4'), false, 'nothing released the claim while the service was down');
    service = startService(plane.current);
    await eventually('the claim of web-4 to be released', () => claimGone('web-4'), 10_000);
    const running = await eventually('the new web-1 to run on a claim of its own', async () => {
      const instance = await getInstance('web-1');
      return instance.status?.phase === 'Running' ? instance : undefined;
    });
    assert.equal(running.metadata.uid, web1.metadata.uid);
    const claim = await getClaim('web-1');
    assert.equal(claim.metadata.annotations?.[ANNOTATION_OWNER_UID], web1.metadata.uid);
    assert.deepEqual(
      claim.metadata.ownerReferences?.map((o) => o.uid),
      [web1.metadata.uid],
    );
  });

  it('refuses a bad or changed spec at the API with the field named', async () => {
    const zero = `apiVersion: ${API_VERSION}\nkind: Instance\nmetadata: {name: tiny, namespace: ${NS}}\nspec: {vcpus: 0, organization: acme}\n`;
    assert.match(await kubectlFails(plane.current, ['create', '-f', '-'], zero), /spec\.vcpus/);
    const resize = ['patch', 'instance', 'web-1', '-n', NS, '--type=merge', '-p', '{"spec":{"vcpus":3}}'];
    assert.match(await kubectlFails(plane.current, resize), /spec\.vcpus is immutable/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildClaim } from '@milo-quota/client';
import { belongsToAnother, claimNameOf, claimOptionsFor, instanceOfClaim } from './claim.ts';
import { type Instance, instanceSpecProblems } from './instance.ts';
import { simulatedProvisioner } from './provisioner.ts';

function instance(spec: Partial<Instance['spec']> = {}): Instance {
  return {
    apiVersion: 'compute.example.com/v1alpha1',
    kind: 'Instance',
    metadata: { name: 'web-1', namespace: 'team-a', uid: 'uid-1', generation: 1 },
    spec: { vcpus: 4, organization: 'acme', ...spec },
  };
}

describe('the claim of an Instance', () => {
  it('asks for 1 instance and spec.vcpus vCPUs, paid by the Organization, in the Instance namespace', () => {
    const claim = buildClaim(claimOptionsFor(instance()));
    assert.equal(claim.metadata.name, 'instance-web-1');
    assert.equal(claim.metadata.name, claimNameOf('team-a', 'web-1'));
    assert.equal(claim.metadata.namespace, 'team-a');
    assert.deepEqual(claim.spec.consumerRef, {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'acme',
    });
    assert.deepEqual(claim.spec.requests, [
      { resourceType: 'compute.example.com/instances', amount: 1 },
      { resourceType: 'compute.example.com/vcpus', amount: 4 },
    ]);
    assert.deepEqual(claim.spec.resourceRef, {
      apiGroup: 'compute.example.com',
      kind: 'Instance',
      name: 'web-1',
      namespace: 'team-a',
    });
    assert.deepEqual(claim.metadata.ownerReferences, [
      {
        apiVersion: 'compute.example.com/v1alpha1',
        kind: 'Instance',
        name: 'web-1',
        uid: 'uid-1',
        controller: false,
      },
    ]);
    assert.deepEqual(claim.metadata.labels, { 'app.kubernetes.io/managed-by': 'instance-service' });
  });

  it('maps a claim back to its Instance by spec.resourceRef, and ignores claims for other kinds', () => {
    const claim = buildClaim(claimOptionsFor(instance()));
    assert.deepEqual(instanceOfClaim(claim), [{ namespace: 'team-a', name: 'web-1' }]);
    const project = { ...claim, spec: { ...claim.spec, resourceRef: { kind: 'Project', name: 'web-1' } } };
    assert.deepEqual(instanceOfClaim(project), []);
    assert.deepEqual(instanceOfClaim({ metadata: {}, spec: {} }), []);
  });

  it('spots a claim left by an earlier Instance of the same name', () => {
    const claim = buildClaim(claimOptionsFor(instance()));
    assert.equal(belongsToAnother(claim, instance()), false);
    const recreated = { ...instance(), metadata: { ...instance().metadata, uid: 'uid-2' } };
    assert.equal(belongsToAnother(claim, recreated), true);
  });
});

describe('instanceSpecProblems', () => {
  it('accepts a valid spec', () => {
    assert.deepEqual(instanceSpecProblems(instance()), []);
  });

  it('names each bad field and the fix', () => {
    const problems = instanceSpecProblems(instance({ vcpus: 0, organization: '' }));
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /^spec\.vcpus: 0 is not an integer ≥ 1; set the number of vCPUs/);
    assert.match(problems[1] ?? '', /^spec\.organization: is required; name the Organization/);
    assert.match(instanceSpecProblems(instance({ vcpus: 1.5 }))[0] ?? '', /spec\.vcpus: 1\.5/);
  });
});

describe('simulatedProvisioner', () => {
  it('is ready after the duration, per Instance uid, and starts again after release', async () => {
    let now = 1000;
    const vms = simulatedProvisioner({ durationMs: 200, now: () => now });
    assert.deepEqual(await vms.provision(instance()), { ready: false, retryAfterMs: 200 });
    now += 150;
    assert.deepEqual(await vms.provision(instance()), { ready: false, retryAfterMs: 50 });
    now += 50;
    assert.deepEqual(await vms.provision(instance()), { ready: true });
    const recreated = { ...instance(), metadata: { ...instance().metadata, uid: 'uid-2' } };
    assert.deepEqual(await vms.provision(recreated), { ready: false, retryAfterMs: 200 });
    await vms.release('team-a', 'web-1');
    assert.deepEqual(await vms.provision(instance()), { ready: false, retryAfterMs: 200 });
  });
});

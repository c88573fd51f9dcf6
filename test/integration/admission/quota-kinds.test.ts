// The validating webhook for the quota kinds, on a real apiserver with the operator running in this process
// (url mode on 127.0.0.1, self-managed certificate): every refusal below is the apiserver relaying the
// webhook's answer (or, where the CRD already catches it, the schema's) to kubectl.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimCreationPolicy } from '../../../src/api/index.ts';
import {
  makeBucket,
  makeClaim,
  makeClaimPolicy,
  makeGrantPolicy,
  PROJECTS,
} from '../../../src/api/testing.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { makeRegistration } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane({ controllerManager: false });
const env = useOperator(plane);
const json = (obj: unknown) => JSON.stringify(obj);
const apply = (obj: unknown) => kubectlOk(plane.current, ['apply', '-f', '-'], json(obj));
const refused = (obj: unknown, verb: 'apply' | 'create' = 'apply') =>
  kubectlFails(plane.current, [verb, '-f', '-'], json(obj));

async function readyCondition(name: string) {
  const policy = await env.client.get<ClaimCreationPolicy>(RESOURCES.claimPolicies, '', name);
  return policy.status?.conditions?.find((c) => c.type === 'Ready');
}

describe('quota-kind validating webhook', () => {
  it('refuses a second registration of a resourceType with "already registered"', async () => {
    await apply(makeRegistration('projects', PROJECTS));
    await kubectlOk(plane.current, ['wait', '--for=condition=Active', 'resourceregistration/projects']);
    const message = await refused(makeRegistration('projects-again', PROJECTS));
    assert.match(message, /The ResourceRegistration "projects-again" is invalid/);
    assert.match(
      message,
      /spec\.resourceType: .*resource type 'resourcemanager\.miloapis\.com\/projects' is already registered/,
    );
  });

  it('refuses duplicate claimingResources on create and on update', async () => {
    const dup = makeRegistration('vcpus', 'compute.example.com/vcpus');
    dup.spec.claimingResources = [
      { apiGroup: 'apps', kind: 'Deployment' },
      { apiGroup: 'apps', kind: 'Deployment' },
    ];
    assert.match(await refused(dup), /duplicate claiming resource/);
    await apply(makeRegistration('vcpus', 'compute.example.com/vcpus'));
    assert.match(await refused(dup), /duplicate claiming resource/);
  });

  it('refuses a claim with amount 0 or duplicate types, naming the field', async () => {
    assert.match(
      await refused(makeClaim([{ resourceType: PROJECTS, amount: 0 }])),
      /spec\.requests\[0\]\.amount/,
    );
    const twice = makeClaim([
      { resourceType: PROJECTS, amount: 1 },
      { resourceType: PROJECTS, amount: 2 },
    ]);
    assert.match(await refused(twice), /spec\.requests/);
  });

  it('applies the cross-object claim checks only the webhook can make', async () => {
    const unregistered = makeClaim([{ resourceType: 'nobody.example.com/things', amount: 1 }]);
    assert.match(
      await refused(unregistered),
      /spec\.requests\[0\]\.resourceType: Resource type 'nobody\.example\.com\/things' is not available for quota management/,
    );
    const wrongKind = makeClaim();
    wrongKind.spec.resourceRef = { apiGroup: 'apps', kind: 'Deployment', name: 'web' };
    assert.match(await refused(wrongKind), /apps\/Deployment does not satisfy claiming rules/);
    const noRef = makeClaim();
    delete noRef.spec.resourceRef;
    assert.match(await refused(noRef), /spec\.resourceRef\.kind: resourceRef\.kind is required/);
    await apply(makeClaim());
  });

  it('refuses a broken template or constraint in either policy kind, with the position', async () => {
    const claimPolicy = makeClaimPolicy();
    claimPolicy.metadata.name = 'broken-claim-policy';
    claimPolicy.spec.target.resourceClaimTemplate.metadata.name = 'project-{{ trigger.metadata.name';
    assert.match(
      await refused(claimPolicy),
      /spec\.target\.resourceClaimTemplate\.metadata\.name: unmatched '\{\{' delimiter in template at offset 8/,
    );
    const claimConstraint = makeClaimPolicy();
    claimConstraint.metadata.name = 'broken-claim-constraint';
    claimConstraint.spec.trigger.constraints = [{ expression: 'trigger.metadata.name ==' }];
    assert.match(await refused(claimConstraint), /spec\.trigger\.constraints\[0\]\.expression: .*offset \d+/);
    const grantPolicy = makeGrantPolicy();
    grantPolicy.spec.target.resourceGrantTemplate.metadata.name = 'grant-{{ user.name }}';
    assert.match(
      await refused(grantPolicy),
      /spec\.target\.resourceGrantTemplate\.metadata\.name: type error at offset \d+.*'user'/,
    );
    const grantConstraint = makeGrantPolicy();
    grantConstraint.spec.trigger.constraints = [{ expression: 'trigger.spec.type' }];
    assert.match(await refused(grantConstraint), /spec\.trigger\.constraints\[0\]\.expression: .*bool/);
  });

  it('admits a ClaimCreationPolicy for an unknown resource type, then reports it ValidationFailed', async () => {
    const policy = makeClaimPolicy();
    policy.metadata.name = 'future-type';
    policy.spec.target.resourceClaimTemplate.spec.requests = [
      { resourceType: 'future.example.com/widgets', amount: 1 },
    ];
    await apply(policy);
    const failed = await eventually('Ready=False/ValidationFailed', async () => {
      const ready = await readyCondition('future-type');
      return ready?.reason === 'ValidationFailed' ? ready : undefined;
    });
    assert.equal(failed.status, 'False');
    assert.match(failed.message, /future\.example\.com\/widgets/);
    const registration = makeRegistration('widgets', 'future.example.com/widgets');
    registration.spec.claimingResources = [{ apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' }];
    await apply(registration);
    await eventually(
      'Ready once registered',
      async () => (await readyCondition('future-type'))?.status === 'True',
    );
  });

  it('refuses a direct AllowanceBucket create by a user, not by the operator', async () => {
    const bucket = makeBucket();
    const asAlice = ['--as=alice', '--as-group=system:masters', 'create', '-f', '-'];
    const message = await kubectlFails(plane.current, asAlice, json(bucket));
    assert.match(message, /User "alice" may not create an AllowanceBucket/);
    // the test's kubeconfig is the operator's identity: its write passes the webhook
    await kubectlOk(plane.current, ['create', '--dry-run=server', '-f', '-'], json(bucket));
  });

  it('exports the webhook metrics and a readiness check', async () => {
    const { manager } = env.operator;
    const metrics = await (await fetch(`http://127.0.0.1:${manager.metricsPort}/metrics`)).text();
    assert.match(
      metrics,
      /controller_runtime_webhook_requests_total\{webhook="\/validate-quota-miloapis-com-v1alpha1-resourceregistration",code="200"\} [1-9]/,
    );
    assert.match(
      metrics,
      /controller_runtime_webhook_latency_seconds_count\{webhook="\/validate-quota-miloapis-com-v1alpha1-resourceclaim"\}/,
    );
    const ready = await (await fetch(`http://127.0.0.1:${manager.probePort}/readyz?verbose`)).text();
    assert.match(ready, /\[\+\]webhook ok/);
  });
});

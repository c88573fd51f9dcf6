import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registrationLookup } from '../../api/index.ts';
import { clone, makeClaimPolicy, makeRegistration, PROJECTS } from '../../api/testing.ts';
import {
  claimPolicyReadyCondition,
  claimPolicyResourceTypes,
  nextClaimPolicyStatus,
} from './claim-creation-policy-controller.ts';

const registered = registrationLookup([makeRegistration()]);
const NOW = new Date('2025-01-01T00:00:00Z');

describe('ClaimCreationPolicy Ready condition', () => {
  it('is PolicyReady when every resource type is registered and Active', () => {
    const policy = makeClaimPolicy();
    policy.metadata.generation = 3;
    assert.deepEqual(claimPolicyReadyCondition(policy, registered), {
      type: 'Ready',
      status: 'True',
      reason: 'PolicyReady',
      message: 'Policy is ready and active',
      observedGeneration: 3,
    });
  });

  it('is ValidationFailed with the error for an unknown or inactive resource type', () => {
    const policy = makeClaimPolicy();
    policy.spec.target.resourceClaimTemplate.spec.requests = [
      { resourceType: 'nonexistent.miloapis.com/projects', amount: 1 },
    ];
    const condition = claimPolicyReadyCondition(policy, registered);
    assert.equal(condition.status, 'False');
    assert.equal(condition.reason, 'ValidationFailed');
    assert.match(
      condition.message,
      /spec\.target\.resourceClaimTemplate\.spec\.requests\[0\]\.resourceType: .*nonexistent\.miloapis\.com\/projects/,
    );
    const inactive = registrationLookup([makeRegistration('projects', PROJECTS, false)]);
    assert.equal(claimPolicyReadyCondition(makeClaimPolicy(), inactive).reason, 'ValidationFailed');
  });

  it('reports a trigger kind the registration does not let claim', () => {
    const policy = makeClaimPolicy();
    policy.spec.trigger.resource = { apiVersion: 'apps/v1', kind: 'Deployment' };
    const condition = claimPolicyReadyCondition(policy, registered);
    assert.equal(condition.reason, 'ValidationFailed');
    assert.match(condition.message, /spec\.trigger\.resource/);
  });

  it("is PolicyDisabled when disabled, unless validation fails first (Milo's order)", () => {
    const disabled = makeClaimPolicy();
    disabled.spec.disabled = true;
    assert.equal(claimPolicyReadyCondition(disabled, registered).reason, 'PolicyDisabled');
    assert.equal(claimPolicyReadyCondition(disabled, registrationLookup([])).reason, 'ValidationFailed');
  });
});

describe('nextClaimPolicyStatus', () => {
  it('advances observedGeneration even when the condition is unchanged', () => {
    const policy = makeClaimPolicy();
    policy.metadata.generation = 1;
    policy.status = nextClaimPolicyStatus(policy, registered, NOW);
    const edited = clone(policy);
    edited.metadata.generation = 2;
    const next = nextClaimPolicyStatus(edited, registered, new Date('2025-02-01T00:00:00Z'));
    assert.equal(next.observedGeneration, 2);
    assert.equal(next.conditions?.[0]?.observedGeneration, 2);
    assert.equal(next.conditions?.[0]?.lastTransitionTime, '2025-01-01T00:00:00Z');
  });

  it('returns the same content when nothing changed (no write)', () => {
    const policy = makeClaimPolicy();
    policy.metadata.generation = 1;
    policy.status = nextClaimPolicyStatus(policy, registered, NOW);
    const again = nextClaimPolicyStatus(policy, registered, new Date('2025-03-01T00:00:00Z'));
    assert.deepEqual(again, policy.status);
    assert.equal(again.conditions, policy.status.conditions);
  });
});

describe('claimPolicyResourceTypes', () => {
  it('indexes a policy by the resource types it requests', () => {
    assert.deepEqual(claimPolicyResourceTypes(makeClaimPolicy()), [PROJECTS]);
    assert.deepEqual(claimPolicyResourceTypes({ metadata: { name: 'broken' } }), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registrationLookup } from '../../api/index.ts';
import { clone, makeClaimPolicy, makeRegistration, PROJECTS } from '../../api/testing.ts';
import {
  claimPolicyReadyCondition,
  claimPolicyResourceTypes,
  nextClaimPolicyStatus,
} from './claim-creation-policy-controller.ts';
import { notServedMessage } from './trigger-kind.ts';

const registered = registrationLookup([makeRegistration()]);
const SERVED = undefined;
const NOT_SERVED = notServedMessage(
  { group: 'resourcemanager.miloapis.com', version: 'v9', kind: 'Project' },
  undefined,
);
const NOW = new Date('2025-01-01T00:00:00Z');
/** The Ready condition of the example policy at `generation`, its trigger kind served or not. */
const readyAt = (generation: number, notServed: string | undefined) => {
  const policy = makeClaimPolicy();
  policy.metadata.generation = generation;
  return claimPolicyReadyCondition(policy, registered, notServed);
};

describe('ClaimCreationPolicy Ready condition', () => {
  it('is PolicyReady when every resource type is registered and Active', () => {
    const ready = { status: 'True', reason: 'PolicyReady', message: 'Policy is ready and active' };
    assert.deepEqual(readyAt(3, SERVED), { type: 'Ready', ...ready, observedGeneration: 3 });
  });

  it('is ValidationFailed with the error for an unknown or inactive resource type', () => {
    const policy = makeClaimPolicy();
    policy.spec.target.resourceClaimTemplate.spec.requests = [
      { resourceType: 'nonexistent.miloapis.com/projects', amount: 1 },
    ];
    const condition = claimPolicyReadyCondition(policy, registered, SERVED);
    assert.equal(condition.status, 'False');
    assert.equal(condition.reason, 'ValidationFailed');
    assert.match(
      condition.message,
      /spec\.target\.resourceClaimTemplate\.spec\.requests\[0\]\.resourceType: .*nonexistent\.miloapis\.com\/projects/,
    );
    const inactive = registrationLookup([makeRegistration('projects', PROJECTS, false)]);
    assert.equal(claimPolicyReadyCondition(makeClaimPolicy(), inactive, SERVED).reason, 'ValidationFailed');
  });

  it('is Ready with a trigger kind the registration does not let claim (Milo checks each claim instead)', () => {
    const policy = makeClaimPolicy();
    policy.spec.trigger.resource = { apiVersion: 'apps/v1', kind: 'Deployment' };
    const condition = claimPolicyReadyCondition(policy, registered, SERVED);
    assert.equal(condition.reason, 'PolicyReady');
  });

  it('reports a template requesting a Feature, and a literal namespace that cannot exist', () => {
    const feature = makeRegistration();
    feature.spec.type = 'Feature';
    const onFeature = claimPolicyReadyCondition(makeClaimPolicy(), registrationLookup([feature]), SERVED);
    assert.equal(onFeature.reason, 'ValidationFailed');
    assert.match(
      onFeature.message,
      /spec\.target\.resourceClaimTemplate\.spec\.requests\[0\]\.resourceType.*Feature/,
    );
    const dotted = makeClaimPolicy();
    dotted.spec.target.resourceClaimTemplate.metadata.namespace = 'team.a';
    const condition = claimPolicyReadyCondition(dotted, registered, SERVED);
    assert.equal(condition.reason, 'ValidationFailed');
    assert.match(condition.message, /metadata\.namespace.*namespaces are DNS labels/);
  });

  it('is ValidationFailed with the not-served message when the trigger kind is not served', () => {
    const failed = { status: 'False', reason: 'ValidationFailed', message: NOT_SERVED };
    assert.deepEqual(readyAt(2, NOT_SERVED), { type: 'Ready', ...failed, observedGeneration: 2 });
  });

  it('reports validation errors and PolicyDisabled before an unserved trigger kind', () => {
    const unknown = registrationLookup([]);
    const invalid = claimPolicyReadyCondition(makeClaimPolicy(), unknown, NOT_SERVED);
    assert.doesNotMatch(invalid.message, /not served/);
    const disabled = makeClaimPolicy();
    disabled.spec.disabled = true;
    assert.equal(claimPolicyReadyCondition(disabled, registered, NOT_SERVED).reason, 'PolicyDisabled');
  });

  it('turns Ready again (a transition) once the kind is served', () => {
    const policy = makeClaimPolicy();
    policy.metadata.generation = 1;
    policy.status = nextClaimPolicyStatus(policy, registered, NOT_SERVED, NOW);
    const later = new Date('2025-01-02T00:00:00Z');
    const ready = nextClaimPolicyStatus(policy, registered, SERVED, later).conditions?.[0];
    assert.deepEqual([ready?.status, ready?.reason], ['True', 'PolicyReady']);
    assert.equal(ready?.lastTransitionTime, '2025-01-02T00:00:00Z');
  });

  it("is PolicyDisabled when disabled, unless validation fails first (Milo's order)", () => {
    const disabled = makeClaimPolicy();
    disabled.spec.disabled = true;
    assert.equal(claimPolicyReadyCondition(disabled, registered, SERVED).reason, 'PolicyDisabled');
    assert.equal(
      claimPolicyReadyCondition(disabled, registrationLookup([]), SERVED).reason,
      'ValidationFailed',
    );
  });
});

describe('nextClaimPolicyStatus', () => {
  it('advances observedGeneration even when the condition is unchanged', () => {
    const policy = makeClaimPolicy();
    policy.metadata.generation = 1;
    policy.status = nextClaimPolicyStatus(policy, registered, SERVED, NOW);
    const edited = clone(policy);
    edited.metadata.generation = 2;
    const next = nextClaimPolicyStatus(edited, registered, SERVED, new Date('2025-02-01T00:00:00Z'));
    assert.equal(next.observedGeneration, 2);
    assert.equal(next.conditions?.[0]?.observedGeneration, 2);
    assert.equal(next.conditions?.[0]?.lastTransitionTime, '2025-01-01T00:00:00Z');
  });

  it('returns the same content when nothing changed (no write)', () => {
    const policy = makeClaimPolicy();
    policy.metadata.generation = 1;
    policy.status = nextClaimPolicyStatus(policy, registered, SERVED, NOW);
    const again = nextClaimPolicyStatus(policy, registered, SERVED, new Date('2025-03-01T00:00:00Z'));
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

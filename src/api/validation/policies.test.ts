import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clone, makeClaimPolicy, makeGrantPolicy, makeRegistration, PROJECTS } from '../testing.ts';
import {
  validateClaimCreationPolicy,
  validateClaimCreationPolicyAgainstRegistrations,
} from './claim-creation-policy.ts';
import {
  validateGrantCreationPolicy,
  validateGrantCreationPolicyAgainstRegistrations,
  validateGrantCreationPolicyUpdate,
} from './grant-creation-policy.ts';
import { registrationLookup } from './registrations.ts';

const paths = (errors: readonly { path: string }[]) => errors.map((e) => e.path);
const GT = 'spec.target.resourceGrantTemplate';
const CT = 'spec.target.resourceClaimTemplate';

describe('validateGrantCreationPolicy', () => {
  it('accepts a valid policy, with prefixed label keys and templated annotations', () => {
    const p = makeGrantPolicy();
    p.spec.target.resourceGrantTemplate.metadata.labels = {
      'app.kubernetes.io/component': 'quota',
      'quota.miloapis.com/policy': 'x',
    };
    p.spec.target.resourceGrantTemplate.metadata.annotations = {
      'quota.miloapis.com/description': 'for {{trigger.metadata.name}}',
    };
    assert.deepEqual(validateGrantCreationPolicy(p), []);
  });

  it('enforces the three rules Milo lost', () => {
    const p = makeGrantPolicy();
    p.spec.disabled = true;
    p.spec.target.parentContext = {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Project',
      nameExpression: '',
    };
    p.spec.target.resourceGrantTemplate.spec.allowances = Array.from({ length: 21 }, (_, i) => ({
      resourceType: `r${i}`,
      buckets: [{ amount: 1 }],
    }));
    const errors = validateGrantCreationPolicyUpdate(makeGrantPolicy(), p);
    assert.ok(paths(errors).includes('spec.trigger.constraints'));
    assert.ok(paths(errors).includes('spec.target.parentContext.nameExpression'));
    assert.ok(errors.some((e) => e.message.startsWith('maximum 20 allowances per policy')));
  });

  it('requires a grant name and valid literal names, keys and consumer kind', () => {
    const p = makeGrantPolicy();
    const t = p.spec.target.resourceGrantTemplate;
    t.metadata = {
      namespace: 'Bad_NS',
      labels: { 'app.kubernetes.io/instance': 'x', 'bad key!': 'v', ok: 'bad value!' },
    };
    t.spec.consumerRef.kind = 'organization';
    t.spec.allowances[0] = { resourceType: '{{trigger.spec.type}}', buckets: [{ amount: -1 }] };
    assert.deepEqual(paths(validateGrantCreationPolicy(p)).sort(), [
      `${GT}.metadata.labels[app.kubernetes.io/instance]`,
      `${GT}.metadata.labels[bad key!]`,
      `${GT}.metadata.labels[ok]`,
      `${GT}.metadata.name`,
      `${GT}.metadata.namespace`,
      `${GT}.spec.allowances[0].buckets[0].amount`,
      `${GT}.spec.allowances[0].resourceType`,
      `${GT}.spec.consumerRef.kind`,
    ]);
  });

  it('checks allowance types and a literal consumer kind against registrations', () => {
    const p = makeGrantPolicy();
    assert.deepEqual(
      validateGrantCreationPolicyAgainstRegistrations(p, registrationLookup([makeRegistration()])),
      [],
    );
    assert.equal(validateGrantCreationPolicyAgainstRegistrations(p, registrationLookup([])).length, 1);
    p.spec.target.resourceGrantTemplate.spec.consumerRef.kind = 'Project';
    assert.deepEqual(
      paths(validateGrantCreationPolicyAgainstRegistrations(p, registrationLookup([makeRegistration()]))),
      [`${GT}.spec.consumerRef`],
    );
  });
});

describe('validateClaimCreationPolicy', () => {
  it('accepts a valid policy, and one with an unregistered type (API state is the controller’s job)', () => {
    const p = makeClaimPolicy();
    assert.deepEqual(validateClaimCreationPolicy(p), []);
    p.spec.target.resourceClaimTemplate.spec.requests[0] = {
      resourceType: 'nonexistent.miloapis.com/projects',
      amount: 1,
    };
    assert.deepEqual(validateClaimCreationPolicy(p), []);
  });

  it('forbids resourceRef, exclusive names, bad generateName, zero and duplicate requests', () => {
    const p = clone(makeClaimPolicy());
    const t = p.spec.target.resourceClaimTemplate;
    t.metadata.generateName = 'claim';
    t.spec.resourceRef = { kind: 'Project', name: 'x' };
    t.spec.requests = [
      { resourceType: PROJECTS, amount: 0 },
      { resourceType: PROJECTS, amount: 1 },
    ];
    const errors = validateClaimCreationPolicy(p);
    assert.deepEqual(paths(errors).sort(), [
      `${CT}.metadata.generateName`,
      `${CT}.metadata.generateName`,
      `${CT}.spec.requests[0].amount`,
      `${CT}.spec.requests[0].amount`,
      `${CT}.spec.requests[1].resourceType`,
      `${CT}.spec.resourceRef`,
    ]);
    assert.ok(
      errors.some((e) => e.message === 'metadata.name and metadata.generateName are mutually exclusive'),
    );
  });

  it('accepts milo-system as a literal namespace (no forbidden-word scan)', () => {
    const p = makeClaimPolicy();
    p.spec.target.resourceClaimTemplate.metadata.namespace = 'milo-system';
    assert.deepEqual(validateClaimCreationPolicy(p), []);
  });

  it('checks registrations, consumer type and that the trigger kind may claim', () => {
    const lookup = registrationLookup([makeRegistration()]);
    assert.deepEqual(validateClaimCreationPolicyAgainstRegistrations(makeClaimPolicy(), lookup), []);
    const p = makeClaimPolicy();
    p.spec.trigger.resource = { apiVersion: 'v1', kind: 'Secret' };
    const errors = validateClaimCreationPolicyAgainstRegistrations(p, lookup);
    assert.deepEqual(paths(errors), ['spec.trigger.resource']);
    assert.match(errors[0]?.message ?? '', /core\/Secret may not claim/);
    assert.match(
      validateClaimCreationPolicyAgainstRegistrations(makeClaimPolicy(), registrationLookup([]))[0]
        ?.message ?? '',
      /not available for quota management/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GrantCreationPolicy, registrationLookup } from '../../api/index.ts';
import { makeGrantPolicy, makeRegistration, projectParentContext } from '../../api/testing.ts';
import { policyReadiness, stampErrors } from './policy-readiness.ts';

const registered = registrationLookup([makeRegistration()]);
const policy = (edit: (p: GrantCreationPolicy) => void = () => {}) => {
  const p = makeGrantPolicy();
  edit(p);
  return p;
};
const reasonOf = (p: GrantCreationPolicy, lookup = registered) => {
  const readiness = policyReadiness(p, lookup);
  return readiness.ok ? 'ok' : readiness.reason;
};

describe('policyReadiness', () => {
  it('compiles a valid, enabled policy whose resource types are Active', () => {
    const readiness = policyReadiness(policy(), registered);
    assert.ok(readiness.ok);
    assert.equal(readiness.compiled.constraints.length, 1);
  });

  it('is ValidationFailed with the exact error of a broken constraint', () => {
    const readiness = policyReadiness(
      policy((p) => {
        p.spec.trigger.constraints = [{ expression: 'trigger.spec.type == "Standard" && nope()' }];
      }),
      registered,
    );
    assert.ok(!readiness.ok);
    assert.equal(readiness.reason, 'ValidationFailed');
    assert.match(readiness.message, /^spec\.trigger\.constraints\[0\]\.expression: .*nope/);
  });

  it('is ValidationFailed when a resource type is not registered or not Active', () => {
    assert.equal(reasonOf(policy(), registrationLookup([])), 'ValidationFailed');
    const inactive = registrationLookup([makeRegistration('projects', undefined, false)]);
    const readiness = policyReadiness(policy(), inactive);
    assert.ok(!readiness.ok);
    assert.match(readiness.message, /resourcemanager\.miloapis\.com\/projects/);
  });

  it('reports parentContext as ParentContextUnsupported, not as a validation error', () => {
    const p = policy((x) => {
      x.spec.target.parentContext = projectParentContext();
    });
    const readiness = policyReadiness(p, registered);
    assert.ok(!readiness.ok);
    assert.equal(readiness.reason, 'ParentContextUnsupported');
    assert.match(readiness.message, /remove parentContext/);
  });

  it('with --parent-context=this-cluster, compiles a parentContext policy (its grants are made here)', () => {
    const p = policy((x) => {
      x.spec.target.parentContext = projectParentContext();
    });
    assert.ok(policyReadiness(p, registered, 'this-cluster').ok);
    assert.equal(reasonOf(p), 'ParentContextUnsupported', 'the default stays unsupported');
    const broken = policy((x) => {
      x.spec.target.parentContext = projectParentContext('nope(', 'g.io');
    });
    const readiness = policyReadiness(broken, registered, 'this-cluster');
    assert.ok(!readiness.ok);
    assert.equal(readiness.reason, 'ValidationFailed', 'its nameExpression is still checked');
  });

  it('puts validation errors before parentContext, and parentContext before disabled', () => {
    const both = policy((x) => {
      x.spec.disabled = true;
      x.spec.trigger.constraints = [];
      x.spec.target.parentContext = projectParentContext('trigger.metadata.name', 'g.io');
    });
    assert.equal(reasonOf(both), 'ParentContextUnsupported');
    assert.equal(reasonOf(both, registrationLookup([])), 'ValidationFailed');
    const disabled = policy((x) => {
      x.spec.disabled = true;
      x.spec.trigger.constraints = [];
    });
    assert.equal(reasonOf(disabled), 'PolicyDisabled');
  });
});

describe('stampErrors', () => {
  it('accepts any policy label in the template (Milo production-style labels name another policy)', () => {
    for (const value of ['standard-tier', 'standard-organization-project-quota-policy']) {
      const p = policy((x) => {
        x.spec.target.resourceGrantTemplate.metadata.labels = { 'quota.miloapis.com/policy': value };
      });
      assert.deepEqual(stampErrors(p), []);
      assert.equal(reasonOf(p), 'ok');
    }
  });

  it('rejects a trigger-uid label and names too long for a label', () => {
    const p = policy((x) => {
      x.metadata.name = `p-${'x'.repeat(70)}`;
      x.spec.target.resourceGrantTemplate.metadata.labels = {
        'quota.miloapis.com/policy': 'other',
        'quota.miloapis.com/trigger-uid': 'u',
      };
    });
    assert.deepEqual(
      stampErrors(p).map((e) => e.path),
      [
        'metadata.name',
        'spec.target.resourceGrantTemplate.metadata.labels["quota.miloapis.com/trigger-uid"]',
      ],
    );
    assert.equal(reasonOf(p), 'ValidationFailed');
  });
});

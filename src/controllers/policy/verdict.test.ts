import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GrantCreationPolicy, registrationLookup } from '../../api/index.ts';
import { makeGrantPolicy, makeRegistration } from '../../api/testing.ts';
import { policyVerdict, stampErrors } from './verdict.ts';

const registered = registrationLookup([makeRegistration()]);
const policy = (edit: (p: GrantCreationPolicy) => void = () => {}) => {
  const p = makeGrantPolicy();
  edit(p);
  return p;
};
const reasonOf = (p: GrantCreationPolicy, lookup = registered) => {
  const verdict = policyVerdict(p, lookup);
  return verdict.ok ? 'ok' : verdict.reason;
};

describe('policyVerdict', () => {
  it('compiles a valid, enabled policy whose resource types are Active', () => {
    const verdict = policyVerdict(policy(), registered);
    assert.ok(verdict.ok);
    assert.equal(verdict.compiled.constraints.length, 1);
  });

  it('is ValidationFailed with the exact error of a broken constraint', () => {
    const verdict = policyVerdict(
      policy((p) => {
        p.spec.trigger.constraints = [{ expression: 'trigger.spec.type == "Standard" && nope()' }];
      }),
      registered,
    );
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'ValidationFailed');
    assert.match(verdict.message, /^spec\.trigger\.constraints\[0\]\.expression: .*nope/);
  });

  it('is ValidationFailed when a resource type is not registered or not Active', () => {
    assert.equal(reasonOf(policy(), registrationLookup([])), 'ValidationFailed');
    const inactive = registrationLookup([makeRegistration('projects', undefined, false)]);
    const verdict = policyVerdict(policy(), inactive);
    assert.ok(!verdict.ok);
    assert.match(verdict.message, /resourcemanager\.miloapis\.com\/projects/);
  });

  it('reports parentContext as ParentContextUnsupported, not as a validation error', () => {
    const p = policy((x) => {
      x.spec.target.parentContext = {
        apiGroup: 'resourcemanager.miloapis.com',
        kind: 'Project',
        nameExpression: 'trigger.metadata.name',
      };
    });
    const verdict = policyVerdict(p, registered);
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'ParentContextUnsupported');
    assert.match(verdict.message, /remove parentContext/);
  });

  it('with --parent-context=this-cluster, compiles a parentContext policy (its grants are made here)', () => {
    const p = policy((x) => {
      x.spec.target.parentContext = {
        apiGroup: 'resourcemanager.miloapis.com',
        kind: 'Project',
        nameExpression: 'trigger.metadata.name',
      };
    });
    assert.ok(policyVerdict(p, registered, 'this-cluster').ok);
    assert.equal(reasonOf(p), 'ParentContextUnsupported', 'the default stays unsupported');
    const broken = policy((x) => {
      x.spec.target.parentContext = { apiGroup: 'g.io', kind: 'Project', nameExpression: 'nope(' };
    });
    const verdict = policyVerdict(broken, registered, 'this-cluster');
    assert.ok(!verdict.ok);
    assert.equal(verdict.reason, 'ValidationFailed', 'its nameExpression is still checked');
  });

  it('puts validation errors before parentContext, and parentContext before disabled', () => {
    const both = policy((x) => {
      x.spec.disabled = true;
      x.spec.trigger.constraints = [];
      x.spec.target.parentContext = {
        apiGroup: 'g.io',
        kind: 'Project',
        nameExpression: 'trigger.metadata.name',
      };
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

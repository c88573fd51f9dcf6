import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileConstraint, constraintPath, evaluateConstraint, evaluateConstraints } from './constraint.ts';
import { bindVariables, createEnvironment, type GrantVariables } from './environment.ts';
import { PolicyError } from './errors.ts';
import { claimVariables, organization } from './fixtures.ts';

const grantEnv = createEnvironment('GrantCreationPolicy');
const claimEnv = createEnvironment('ClaimCreationPolicy');
const orgVars = bindVariables('GrantCreationPolicy', { trigger: organization });
const claimVars = bindVariables('ClaimCreationPolicy', claimVariables);
const path = constraintPath(0);

describe('constraints', () => {
  it('paths name the expression field', () => {
    assert.equal(constraintPath(3), 'spec.trigger.constraints[3].expression');
  });

  const grantCases: Record<string, [string, boolean]> = {
    'Milo e2e constraint': [
      'trigger.spec.type == "Standard" && has(trigger.metadata.labels) && "k" in trigger.metadata.labels && trigger.metadata.labels["k"] == "v"',
      true,
    ],
    'Personal orgs only': ['trigger.spec.type == "Personal"', false],
    'name contains': [
      'trigger.metadata.name.contains("cel-trigger") || trigger.metadata.name == "acme"',
      true,
    ],
    'label exists (doc)': ["trigger.metadata.labels.exists(k, k == 'billable')", false],
    'numbers (doc)': ["trigger.spec.type == 'Standard' && trigger.spec.replicas > 1", true],
    'explicit bool comparison': ['trigger.spec.enabled == true', true],
    'milo-system literal is fine': ['trigger.metadata.name != "milo-system"', true],
    'has() of profile (Milo rejected "file")': ['!has(trigger.spec.quotaProfile)', true],
  };
  for (const [name, [expression, expected]] of Object.entries(grantCases)) {
    it(`grant: ${name}`, () => {
      assert.equal(evaluateConstraint(compileConstraint(grantEnv, { expression }, path), orgVars), expected);
    });
  }

  it('claim constraints can use user and requestInfo (bound at evaluation, unlike Milo)', () => {
    const c = compileConstraint(claimEnv, { expression: "user.groups.exists(g, g == 'quota-admin')" }, path);
    assert.equal(evaluateConstraint(c, claimVars), true);
    const ns = compileConstraint(
      claimEnv,
      { expression: 'requestInfo.namespace.startsWith("organization-")' },
      path,
    );
    assert.equal(evaluateConstraint(ns, claimVars), true);
  });

  const rejected: Record<string, [string, string]> = {
    'a bare dyn field (write == true)': [
      'trigger.spec.enabled',
      'must return bool, but this expression has type dyn',
    ],
    'a string': ['trigger.metadata.name + "x"', 'has type string'],
    'template braces': ['{{ trigger.spec.type == "x" }}', "constraints are plain CEL without '{{ }}'"],
    'syntax error': ['trigger.spec.type ==', 'CEL syntax error'],
    'user in a grant constraint': ['user.name == "x"', "undeclared reference to 'user'"],
  };
  for (const [name, [expression, fragment]] of Object.entries(rejected)) {
    it(`rejects ${name} with the field path`, () => {
      assert.throws(
        () => compileConstraint(grantEnv, { expression }, path),
        (e: unknown) => e instanceof PolicyError && e.path === path && e.message.includes(fragment),
      );
    });
  }

  it('branches of different types widen to dyn and are rejected at compile time', () => {
    const c = compileConstraint(grantEnv, { expression: 'trigger.spec.enabled ? true : false' }, path);
    assert.equal(evaluateConstraint(c, orgVars), true);
    assert.throws(
      () =>
        compileConstraint(
          grantEnv,
          { expression: 'trigger.spec.enabled ? trigger.metadata.name : true' },
          path,
        ),
      (e: unknown) => e instanceof PolicyError && e.code === 'type' && e.message.includes('has type dyn'),
    );
  });

  it('evaluateConstraints: AND in order, reporting the first that fails with its message', () => {
    const compiled = [
      compileConstraint(grantEnv, { expression: 'trigger.spec.type == "Standard"' }, constraintPath(0)),
      compileConstraint(
        grantEnv,
        { expression: 'trigger.spec.replicas > 5', message: 'needs more replicas' },
        constraintPath(1),
      ),
      compileConstraint(grantEnv, { expression: 'trigger.spec.nope == 1' }, constraintPath(2)),
    ];
    assert.deepEqual(evaluateConstraints(compiled, orgVars), {
      holds: false,
      index: 1,
      message: 'needs more replicas',
    });
    assert.deepEqual(evaluateConstraints([], orgVars), { holds: true });
    assert.throws(
      () =>
        evaluateConstraints(
          [compiled[0], compiled[2]].filter((c) => c !== undefined),
          orgVars,
        ),
      PolicyError,
    );
  });

  it('compiling and evaluating arbitrary text against arbitrary triggers throws nothing but PolicyError', () => {
    const expression = fc.oneof(
      fc.string(),
      fc.string({
        unit: fc.constantFrom(
          'trigger',
          '.spec',
          '.x',
          ' == ',
          '1',
          '"a"',
          ' && ',
          ' || ',
          '!',
          '(',
          ')',
          'has(',
          'size(',
          '[0]',
        ),
        maxLength: 12,
      }),
    );
    fc.assert(
      fc.property(expression, fc.oneof(fc.object(), fc.jsonValue()), (source, trigger) => {
        try {
          const c = compileConstraint(grantEnv, { expression: source }, path);
          evaluateConstraint(c, bindVariables('GrantCreationPolicy', { trigger } as GrantVariables));
        } catch (error) {
          assert.ok(error instanceof PolicyError, String(error));
        }
      }),
      { numRuns: 1500 },
    );
  });
});

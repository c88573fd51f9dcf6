import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CelValue } from '@bufbuild/cel';
import { compileExpression, evaluateExpression, MAX_EXPRESSION_LENGTH } from './compile.ts';
import { bindVariables, createEnvironment } from './environment.ts';
import { PolicyError, type PolicyErrorCode } from './errors.ts';
import { claimVariables, organization } from './fixtures.ts';
import { formatType } from './types.ts';

const grantEnv = createEnvironment('GrantCreationPolicy');
const claimEnv = createEnvironment('ClaimCreationPolicy');
const grantVars = bindVariables('GrantCreationPolicy', { trigger: organization });
const claimVars = bindVariables('ClaimCreationPolicy', claimVariables);

const grant = (source: string): CelValue =>
  evaluateExpression(compileExpression(grantEnv, source, 'f'), grantVars);
const claim = (source: string): CelValue =>
  evaluateExpression(compileExpression(claimEnv, source, 'f'), claimVars);

function throwsPolicy(
  run: () => unknown,
  code: PolicyErrorCode,
  fragment: string | RegExp,
  path = 'f',
): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof PolicyError, `expected PolicyError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.path, path);
    if (typeof fragment === 'string') assert.ok(error.message.includes(fragment), error.message);
    else assert.match(error.message, fragment);
    return true;
  });
}

describe('CEL evaluation of the expressions in Milo tests, samples and docs', () => {
  const grantCases: Record<string, [string, CelValue]> = {
    'metadata name': ['trigger.metadata.name', 'acme'],
    'leading dot resolves in the root scope': ['.trigger.metadata.name', 'acme'],
    'string concatenation': ['trigger.metadata.name + "-quota"', 'acme-quota'],
    'spec equality': ['trigger.spec.type == "Standard"', true],
    'label lookup chain (Milo e2e constraint)': [
      'trigger.spec.type == "Standard" && has(trigger.metadata.labels) && "k" in trigger.metadata.labels && trigger.metadata.labels["k"] == "v"',
      true,
    ],
    contains: ['trigger.metadata.name.contains("cm") || trigger.metadata.name.startsWith("x")', true],
    'has() on a missing field': ['has(trigger.spec.tier)', false],
    'free-tier doc constraint': ["trigger.spec.tier == 'free' || !has(trigger.spec.tier)", true],
    'exists over label keys': ["trigger.metadata.labels.exists(k, k == 'tier')", true],
    'negated exists': ["!trigger.metadata.labels.exists(k, k == 'quota-exempt')", true],
    'member has on a dotted path': ['trigger.has("metadata.labels.tier")', true],
    'member has on a missing path': ['trigger.has("metadata.labels.nope")', false],
    'member has through a non-map': ['trigger.has("metadata.name.x")', false],
    'whole numbers are CEL ints': ['trigger.spec.replicas * 2', 6n],
    'fractions are doubles': ['trigger.spec.ratio * 2.0', 1],
    'int comparison with a JSON number': ['trigger.spec.replicas > 1 && trigger.spec.replicas == 3', true],
    'string() of an int': ['string(trigger.spec.replicas)', '3'],
    'list index': ['trigger.spec.regions[1]', 'us'],
    size: ['size(trigger.spec.regions)', 2n],
    'map and filter macros': ['trigger.spec.regions.map(r, r.upperAscii()).filter(r, r != "EU")[0]', 'US'],
    'lowerAscii / upperAscii': ['"MiXed".lowerAscii() + "-" + "MiXed".upperAscii()', 'mixed-MIXED'],
    trim: ['"  x \\t".trim()', 'x'],
    'replace all': ['"a.b.c".replace(".", "-")', 'a-b-c'],
    'split and join': ['"a,b,c".split(",").join("/")', 'a/b/c'],
    substring: ['trigger.metadata.name.substring(1, 3)', 'cm'],
    indexOf: ['trigger.metadata.name.indexOf("m")', 2n],
    'milo-system is an ordinary literal (no word blacklist)': ['"milo-system" == "milo-" + "system"', true],
    matches: ['trigger.metadata.name.matches("^a[a-z]+$")', true],
    'global matches (cel-go form)': ['matches(trigger.metadata.name, "^b")', false],
    format: ['"%s-%d".format([trigger.metadata.name, trigger.spec.replicas])', 'acme-3'],
    conditional: ['trigger.spec.enabled ? "on" : "off"', 'on'],
    'type names': ['type(trigger.spec.replicas) == int && type(trigger.metadata.name) == string', true],
    exists_one: ['trigger.spec.regions.exists_one(r, r == "eu")', true],
    'timestamp getters': ['timestamp("2024-05-01T00:00:00Z").getFullYear()', 2024n],
  };
  for (const [name, [source, expected]] of Object.entries(grantCases)) {
    it(`grant: ${name}`, () => assert.deepEqual(grant(source), expected));
  }

  const claimCases: Record<string, [string, CelValue]> = {
    'user.name': ['user.name', 'alice'],
    'user.groups exists (doc constraint)': ["user.groups.exists(g, g == 'quota-admin')", true],
    'user.extra': ['user.extra["scopes"][0]', 'a'],
    'user.uid': ['user.uid', 'u-1'],
    'requestInfo.namespace (Milo sample claim namespace)': ['requestInfo.namespace', 'organization-acme'],
    'requestInfo.verb': ['requestInfo.verb == "create"', true],
    'requestInfo.subresource defaults to empty': ['requestInfo.subresource', ''],
    'requestInfo.isResourceRequest (Milo field)': ['requestInfo.isResourceRequest', true],
    'trigger in a claim policy': ['trigger.spec.ownerRef.name', 'acme'],
  };
  for (const [name, [source, expected]] of Object.entries(claimCases)) {
    it(`claim: ${name}`, () => assert.deepEqual(claim(source), expected));
  }
});

describe('compile errors', () => {
  /** Type errors: the expression's policy kind (its evaluator), the expression, and what the message says. */
  const typeErrors: [typeof grant, string, string][] = [
    // a variable of the other policy kind is undeclared, with the declared set in the message
    [grant, 'user.name', "undeclared reference to 'user' (variables in GrantCreationPolicy: trigger)"],
    [grant, 'requestInfo.namespace', "undeclared reference to 'requestInfo'"],
    // unknown fields of typed variables
    [claim, 'user.username', "user has no field 'username' (its fields: name, uid, groups, extra)"],
    [claim, 'requestInfo.foo', "requestInfo has no field 'foo'"],
    // unknown functions
    [grant, 'trigger.metadata.name.shout()', "undeclared function 'shout'"],
    [grant, 'has(trigger, "spec")', 'has() takes a field selection'],
    // argument types
    [grant, '1 + "a"', "found no matching overload for '+' applied to (int, string)"],
    [claim, 'user.name == 1', 'string and int can never be equal'],
    [claim, 'user.groups.lowerAscii()', "'lowerAscii' on list(string)"],
    [grant, '"abc"[0]', 'strings cannot be indexed'],
    // object construction is refused
    [grant, 'google.protobuf.Int64Value{value: 1}', 'object construction'],
  ];
  for (const [evaluate, source, message] of typeErrors) {
    it(`type error in ${evaluate === grant ? 'a grant' : 'a claim'} policy: ${source}`, () =>
      throwsPolicy(() => evaluate(source), 'type', message));
  }
  it('the string "user" is not a variable reference (no lexical scan)', () => {
    assert.equal(grant('"user" + "-" + trigger.metadata.name'), 'user-acme');
  });
  it('syntax errors carry the offset of the error inside the field', () => {
    throwsPolicy(
      () => compileExpression(grantEnv, 'trigger.metadata.name +', 'f', 10),
      'syntax',
      /CEL syntax error at offset \d+ \(0-based\)/,
    );
    try {
      compileExpression(grantEnv, 'a b', 'f', 10);
    } catch (error) {
      assert.ok(error instanceof PolicyError);
      assert.equal(error.offset, 12);
    }
  });
  it('type errors carry the offset of the offending node', () => {
    try {
      compileExpression(claimEnv, 'user.nope', 'f', 5);
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof PolicyError);
      assert.equal(error.offset, 9, error.message);
      assert.ok(error.message.includes('at offset 9 (0-based)'));
    }
  });
  it('limits: length and nesting depth', () => {
    throwsPolicy(() => grant(`"${'a'.repeat(MAX_EXPRESSION_LENGTH)}"`), 'limit', 'the limit is 1024');
    throwsPolicy(() => grant(Array(300).fill('1').join('+')), 'limit', 'nests deeper than 200 levels');
    throwsPolicy(
      () => grant(`${'['.repeat(250)}1${']'.repeat(250)}`),
      'limit',
      'nests brackets deeper than 100',
    );
    throwsPolicy(
      () => grant(`${'('.repeat(500)}1${')'.repeat(500)}`),
      'limit',
      'nests brackets deeper than 100',
    );
    assert.equal(grant(`${'('.repeat(100)}1${')'.repeat(100)}`), 1n);
    assert.equal(grant(`"${'('.repeat(200)}"`), '('.repeat(200), 'brackets inside strings do not count');
  });
  it('infers static types', () => {
    const type = (env: typeof claimEnv, source: string) =>
      formatType(compileExpression(env, source, 'f').type);
    assert.equal(type(claimEnv, 'user.groups'), 'list(string)');
    assert.equal(type(claimEnv, 'user.extra'), 'map(string, list(string))');
    assert.equal(type(claimEnv, 'trigger.metadata.name'), 'dyn');
    assert.equal(type(claimEnv, '"a-" + trigger.metadata.name'), 'string');
    assert.equal(type(claimEnv, 'user.groups.exists(g, g == "x")'), 'bool');
    assert.equal(type(claimEnv, 'user.groups.map(g, size(g))'), 'list(dyn)');
    assert.equal(type(claimEnv, 'trigger.metadata.name.split("-")'), 'list(string)');
  });
});

describe('runtime errors', () => {
  it('a missing key names the expression and suggests has()', () => {
    throwsPolicy(
      () => grant('trigger.spec.tier'),
      'evaluation',
      /evaluating 'trigger.spec.tier' failed: .*tier.*has\(/,
    );
  });
  it('wrong runtime types', () => {
    throwsPolicy(
      () => grant('trigger.metadata.name + 1'),
      'evaluation',
      "evaluating 'trigger.metadata.name + 1' failed",
    );
  });
  it('integer overflow is an error, not a wrap-around', () => {
    throwsPolicy(() => grant('9223372036854775807 + trigger.spec.replicas'), 'evaluation', 'failed');
  });
});

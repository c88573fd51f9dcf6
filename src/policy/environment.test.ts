import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, evaluateExpression } from './compile.ts';
import { bindVariables, type ClaimVariables, createEnvironment, type GrantVariables } from './environment.ts';
import { PolicyError } from './errors.ts';
import { MAX_INPUT_DEPTH } from './values.ts';

const env = createEnvironment('GrantCreationPolicy');
const evaluate = (source: string, trigger: unknown) =>
  evaluateExpression(
    compileExpression(env, source, 'f'),
    bindVariables('GrantCreationPolicy', { trigger } as GrantVariables),
  );

function inputError(run: () => unknown, path: string, fragment: string): void {
  assert.throws(
    run,
    (e: unknown) =>
      e instanceof PolicyError && e.code === 'input' && e.path === path && e.message.includes(fragment),
  );
}

describe('environment and variables', () => {
  it('declares trigger for grants and trigger, user, requestInfo for claims', () => {
    assert.deepEqual([...createEnvironment('GrantCreationPolicy').declarations.keys()], ['trigger']);
    assert.deepEqual(
      [...createEnvironment('ClaimCreationPolicy').declarations.keys()],
      ['trigger', 'user', 'requestInfo'],
    );
    assert.deepEqual([...createEnvironment('BucketNamespace').declarations.keys()], ['consumer']);
  });

  it('binds the bucket namespace consumer as a typed record, and needs it', () => {
    const bucketEnv = createEnvironment('BucketNamespace');
    const consumer = { apiGroup: '', kind: 'Team', namespace: 'ns1', name: 'blue' };
    const run = (source: string) =>
      evaluateExpression(
        compileExpression(bucketEnv, source, 'f'),
        bindVariables('BucketNamespace', { consumer }),
      );
    assert.equal(
      run('consumer.apiGroup + "/" + consumer.kind + "/" + consumer.namespace + "/" + consumer.name'),
      '/Team/ns1/blue',
    );
    inputError(() => bindVariables('BucketNamespace', {} as never), 'consumer', 'need the consumer');
  });

  it('converts JSON: whole numbers to int, others to double, drops undefined keys', () => {
    assert.equal(evaluate('trigger.n', { n: 7 }), 7n);
    assert.equal(evaluate('trigger.x', { x: 1.25 }), 1.25);
    assert.equal(evaluate('trigger.has("gone")', { gone: undefined }), false);
    assert.equal(evaluate('trigger.a[1].b', { a: [0, { b: 'ok' }] }), 'ok');
    assert.equal(evaluate('trigger.z == null', { z: null }), true);
  });

  it('accepts objects without a prototype', () => {
    const trigger = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'b' });
    assert.equal(evaluate('trigger.a', trigger), 'b');
  });

  it('refuses non-JSON variables, naming where', () => {
    inputError(
      () => evaluate('true', { spec: { when: new Date(0) } }),
      'trigger.spec.when',
      'unsupported value of type Date',
    );
    inputError(() => evaluate('true', { f: () => 1 }), 'trigger.f', 'unsupported value of type function');
    inputError(() => evaluate('true', 'not an object'), 'trigger', 'the trigger must be an object');
    inputError(() => evaluate('true', [1]), 'trigger', 'the trigger must be an object');
  });

  it('refuses data nested deeper than the input depth limit', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_INPUT_DEPTH + 5; i++) deep = { d: deep };
    assert.throws(
      () => evaluate('true', deep),
      (e: unknown) => e instanceof PolicyError && e.code === 'input',
    );
  });

  it('claim bindings fill missing user and requestInfo fields with empty values', () => {
    const claimEnv = createEnvironment('ClaimCreationPolicy');
    const vars: ClaimVariables = { trigger: {}, user: {}, requestInfo: { verb: 'create' } };
    const bindings = bindVariables('ClaimCreationPolicy', vars);
    const run = (source: string) => evaluateExpression(compileExpression(claimEnv, source, 'f'), bindings);
    assert.equal(run('user.name == "" && size(user.groups) == 0 && size(user.extra) == 0'), true);
    assert.equal(run('requestInfo.verb + "/" + requestInfo.namespace'), 'create/');
  });

  it('claim bindings need user and requestInfo', () => {
    inputError(
      () => bindVariables('ClaimCreationPolicy', { trigger: {} } as unknown as ClaimVariables),
      'user',
      'need user and requestInfo',
    );
  });
});

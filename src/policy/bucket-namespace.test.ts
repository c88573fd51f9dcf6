import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUCKET_NAMESPACE_SETTING,
  compileBucketNamespace,
  DEFAULT_BUCKET_NAMESPACE_EXPRESSION,
  MILO_BUCKET_NAMESPACE_EXPRESSION,
} from './bucket-namespace.ts';
import type { BucketConsumer } from './environment.ts';
import { PolicyError, type PolicyErrorCode } from './errors.ts';

const org: BucketConsumer = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  namespace: '',
  name: 'acme',
};
const project: BucketConsumer = { ...org, kind: 'Project', namespace: 'organization-acme', name: 'web' };
const user: BucketConsumer = { apiGroup: 'iam.miloapis.com', kind: 'User', namespace: '', name: 'alice' };

function throwsPolicy(run: () => unknown, code: PolicyErrorCode, ...fragments: string[]): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof PolicyError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.path, BUCKET_NAMESPACE_SETTING);
    for (const f of fragments) assert.ok(e.message.includes(f), `${e.message} should include ${f}`);
    return true;
  });
}

describe('compileBucketNamespace', () => {
  it('defaults to the operator quota namespace for every consumer', () => {
    assert.equal(DEFAULT_BUCKET_NAMESPACE_EXPRESSION, '"quota-system"');
    const namespace = compileBucketNamespace(DEFAULT_BUCKET_NAMESPACE_EXPRESSION);
    for (const consumer of [org, project, user]) assert.equal(namespace(consumer), 'quota-system');
  });

  it('Milo profile: organization-<name> for Organizations, milo-system for the rest', () => {
    const namespace = compileBucketNamespace(MILO_BUCKET_NAMESPACE_EXPRESSION);
    assert.equal(namespace(org), 'organization-acme');
    assert.equal(namespace({ ...org, name: 'globex' }), 'organization-globex');
    assert.equal(namespace(project), 'milo-system');
    assert.equal(namespace(user), 'milo-system');
  });

  it('sees every consumer field, core group and cluster scope as empty strings', () => {
    const namespace = compileBucketNamespace(
      'consumer.apiGroup == "" ? "core-" + consumer.namespace : consumer.namespace',
    );
    assert.equal(namespace({ apiGroup: '', kind: 'Team', namespace: 'ns1', name: 'blue' }), 'core-ns1');
    assert.equal(namespace(project), 'organization-acme');
  });

  const bad: Record<string, [string, PolicyErrorCode, ...string[]]> = {
    'a syntax error': ['consumer.kind ==', 'syntax', 'CEL syntax error at offset'],
    'an empty expression': ['', 'syntax', 'at offset 0'],
    'an undeclared variable': [
      '"ns-" + trigger.metadata.name',
      'type',
      "undeclared reference to 'trigger' (variables in the bucket namespace expression: consumer)",
      'at offset 8',
    ],
    'an unknown consumer field': ['consumer.uid', 'type', "consumer has no field 'uid'"],
    'a non-string result type': [
      'size(consumer.name)',
      'type',
      'must return a string',
      'got int',
      'at offset 0',
    ],
    'a template instead of CEL': ['organization-{{consumer.name}}', 'syntax', 'at offset'],
    'an overlong expression': [`"${'a'.repeat(1100)}"`, 'limit', 'the limit is 1024', 'at offset 0'],
  };
  for (const [name, [expression, code, ...fragments]] of Object.entries(bad)) {
    it(`refuses ${name}, naming the setting and the position`, () => {
      throwsPolicy(() => compileBucketNamespace(expression), code, BUCKET_NAMESPACE_SETTING, ...fragments);
    });
  }

  it('refuses a non-string result at evaluation, naming the consumer and the expression', () => {
    const expression = 'consumer.name == "acme" ? 42 : "ok"';
    const namespace = compileBucketNamespace(expression);
    assert.equal(namespace(user), 'ok');
    throwsPolicy(
      () => namespace(org),
      'evaluation',
      `'${expression}' returned int`,
      'consumer resourcemanager.miloapis.com/Organization acme',
      'must return a namespace name',
    );
  });

  it('refuses a result that is not a namespace name (DNS-1123 label)', () => {
    const milo = compileBucketNamespace(MILO_BUCKET_NAMESPACE_EXPRESSION);
    throwsPolicy(
      () => milo({ ...org, name: 'a.b' }),
      'evaluation',
      'returned an invalid namespace for consumer resourcemanager.miloapis.com/Organization a.b',
      '"organization-a.b" is not a valid DNS-1123 label',
      MILO_BUCKET_NAMESPACE_EXPRESSION,
    );
    throwsPolicy(() => milo({ ...org, name: 'x'.repeat(60) }), 'evaluation', 'longer than 63 characters');
    throwsPolicy(
      () => compileBucketNamespace('"Quota_System"')(org),
      'evaluation',
      'not a valid DNS-1123 label',
    );
    throwsPolicy(() => compileBucketNamespace('""')(user), 'evaluation', 'iam.miloapis.com/User alice');
  });

  it('names the consumer when evaluation fails, and refuses a malformed consumer', () => {
    const namespace = compileBucketNamespace('consumer.name.substring(10)');
    throwsPolicy(
      () => namespace(org),
      'evaluation',
      'consumer resourcemanager.miloapis.com/Organization acme',
    );
    throwsPolicy(
      () => namespace({ ...org, name: undefined } as never),
      'input',
      'consumer.name',
      'must be a string',
    );
  });
});

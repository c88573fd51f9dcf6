import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dnsSubdomainProblem } from '../api/index.ts';
import { groupOf } from '../runtime/index.ts';
import { claimNameFor, MAX_NAME_LENGTH } from './naming.ts';

const instance = (name: string, namespace?: string) => ({
  apiVersion: 'compute.example.com/v1',
  kind: 'Instance',
  name,
  ...(namespace === undefined ? {} : { namespace }),
});

describe('claimNameFor', () => {
  it('is <kind>-<name> for an owner in the claim namespace or cluster-scoped', () => {
    assert.equal(claimNameFor(instance('web-1', 'team-a'), 'team-a'), 'instance-web-1');
    assert.equal(claimNameFor(instance('web.example', undefined), 'quota-system'), 'instance-web.example');
  });

  it('adds the owner namespace and a hash when the claim lives elsewhere', () => {
    const a = claimNameFor(instance('c', 'a-b'), 'quota-system');
    const b = claimNameFor(instance('b-c', 'a'), 'quota-system');
    assert.match(a, /^instance-a-b-c-[0-9a-f]{10}$/);
    assert.match(b, /^instance-a-b-c-[0-9a-f]{10}$/);
    assert.notEqual(a, b);
  });

  it('hashes names a claim name cannot hold as they are', () => {
    const upper = claimNameFor({ apiVersion: 'v1', kind: 'Thing', name: 'Web' }, 'ns');
    const lower = claimNameFor({ apiVersion: 'v1', kind: 'Thing', name: 'web' }, 'ns');
    assert.match(upper, /^thing-web-[0-9a-f]{10}$/);
    assert.equal(lower, 'thing-web');
    assert.match(
      claimNameFor({ apiVersion: 'v1', kind: 'Role', name: 'system:a..b' }, 'ns'),
      /^role-system-a.b-/,
    );
  });

  it('cuts long names to 253 characters and keeps them distinct', () => {
    const long = 'x'.repeat(300);
    const one = claimNameFor(instance(`${long}1`, 'ns'), 'ns');
    const two = claimNameFor(instance(`${long}2`, 'ns'), 'ns');
    assert.equal(one.length, MAX_NAME_LENGTH);
    assert.equal(dnsSubdomainProblem(one), undefined);
    assert.notEqual(one, two);
  });

  it('always yields a valid DNS-1123 subdomain of at most 253 characters, deterministically', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.option(fc.string({ minLength: 1, maxLength: 63 }), { nil: undefined }),
        (name, kind, namespace) => {
          const owner = { apiVersion: 'g/v1', kind, name, ...(namespace === undefined ? {} : { namespace }) };
          const result = claimNameFor(owner, 'quota-system');
          assert.equal(dnsSubdomainProblem(result), undefined, result);
          assert.equal(claimNameFor(owner, 'quota-system'), result);
        },
      ),
    );
  });
});

describe('groupOf', () => {
  it('reads the group of an apiVersion', () => {
    assert.equal(groupOf('apps/v1'), 'apps');
    assert.equal(groupOf('v1'), '');
  });
});

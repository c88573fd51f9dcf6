import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bucketName,
  bucketNamer,
  consumerKeyOf,
  formatConsumerKey,
  miloBucketName,
  parseConsumerKey,
} from './consumer.ts';
import { QuotaInputError } from './errors.ts';
import { sha256Hex } from './sha256.ts';

describe('consumer key', () => {
  const cases: Record<string, { ref: Parameters<typeof formatConsumerKey>[0]; key: string }> = {
    'cluster-scoped organization': {
      ref: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
      key: 'resourcemanager.miloapis.com/Organization//acme',
    },
    'namespaced consumer': {
      ref: { apiGroup: 'example.com', kind: 'Team', namespace: 'ns1', name: 'blue' },
      key: 'example.com/Team/ns1/blue',
    },
    'core group': { ref: { kind: 'Namespace', name: 'default' }, key: '/Namespace//default' },
  };
  for (const [name, { ref, key }] of Object.entries(cases)) {
    it(`formats and parses: ${name}`, () => {
      assert.equal(formatConsumerKey(ref), key);
      assert.deepEqual(parseConsumerKey(key), {
        apiGroup: ref.apiGroup ?? '',
        kind: ref.kind,
        namespace: ref.namespace ?? '',
        name: ref.name,
      });
    });
  }

  const bad: Record<string, { run: () => unknown; field: string }> = {
    'missing kind': { run: () => formatConsumerKey({ kind: '', name: 'x' }), field: 'consumerRef.kind' },
    'missing name': { run: () => formatConsumerKey({ kind: 'K', name: '' }), field: 'consumerRef.name' },
    'slash in name': { run: () => formatConsumerKey({ kind: 'K', name: 'a/b' }), field: 'consumerRef.name' },
    'NUL in group': {
      run: () => formatConsumerKey({ apiGroup: 'a\0', kind: 'K', name: 'n' }),
      field: 'consumerRef.apiGroup',
    },
    'too few parts': { run: () => parseConsumerKey('K/n'), field: 'consumerKey' },
    'too many parts': { run: () => parseConsumerKey('g/K/ns/n/extra'), field: 'consumerKey' },
  };
  for (const [name, { run, field }] of Object.entries(bad)) {
    it(`rejects ${name}`, () => {
      assert.throws(run, (error: unknown) => error instanceof QuotaInputError && error.field === field);
    });
  }

  it('keys on apiGroup, kind, namespace and name (moved from src/api consumerKey/sameConsumer)', () => {
    assert.equal(formatConsumerKey({ apiGroup: 'g', kind: 'K', name: 'n' }), 'g/K//n');
    assert.equal(formatConsumerKey({ kind: 'K', name: 'n', namespace: 'ns' }), '/K/ns/n');
    assert.notEqual(
      formatConsumerKey({ apiGroup: 'a', kind: 'K', name: 'n' }),
      formatConsumerKey({ apiGroup: 'b', kind: 'K', name: 'n' }),
    );
    assert.equal(
      formatConsumerKey({ apiGroup: '', kind: 'K', name: 'n' }),
      formatConsumerKey({ kind: 'K', name: 'n' }),
    );
  });

  it('round-trips any valid parts', () => {
    const part = fc.string().filter((s) => !s.includes('/') && !s.includes('\0'));
    const required = part.filter((s) => s !== '');
    fc.assert(
      fc.property(part, required, part, required, (apiGroup, kind, namespace, name) => {
        assert.deepEqual(parseConsumerKey(formatConsumerKey({ apiGroup, kind, namespace, name })), {
          apiGroup,
          kind,
          namespace,
          name,
        });
      }),
    );
  });

  it('consumerKeyOf: the key, or undefined for no reference or one that cannot name a consumer', () => {
    const acme = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' };
    assert.equal(consumerKeyOf(acme), formatConsumerKey(acme));
    assert.equal(consumerKeyOf(undefined), undefined);
    assert.equal(consumerKeyOf({ ...acme, name: 'a/b' }), undefined);
  });
});

describe('bucketName', () => {
  const key = 'resourcemanager.miloapis.com/Organization//acme';

  it('hashes the key, a NUL, then the resourceType', () => {
    const name = bucketName(key, 'resourcemanager.miloapis.com/projects');
    assert.equal(name, `bucket-${sha256Hex(`${key}\0resourcemanager.miloapis.com/projects`)}`);
    assert.match(name, /^bucket-[0-9a-f]{64}$/);
  });

  it('tells apart inputs that plain concatenation would merge', () => {
    // With no separator, ("…/acme", "x") and ("…/acmex", "") would hash the same bytes.
    assert.notEqual(bucketName(key, 'x'), bucketName(`${key}x`, ''));
  });

  it('is injective on (consumer, resourceType) pairs (no two distinct pairs share a hash input)', () => {
    const part = fc.string({ maxLength: 4 }).filter((s) => !s.includes('/') && !s.includes('\0'));
    const consumer = fc
      .tuple(
        part,
        part.filter((s) => s !== ''),
        part,
        part.filter((s) => s !== ''),
      )
      .map(([apiGroup, kind, namespace, name]) => formatConsumerKey({ apiGroup, kind, namespace, name }));
    fc.assert(
      fc.property(consumer, fc.string(), consumer, fc.string(), (k1, r1, k2, r2) => {
        fc.pre(k1 !== k2 || r1 !== r2);
        assert.notEqual(bucketName(k1, r1), bucketName(k2, r2));
      }),
    );
  });

  it('rejects a malformed consumer key', () => {
    assert.throws(() => bucketName('not-a-key', 'x'), QuotaInputError);
  });
});

describe('miloBucketName (Milo 862dc4d: bucket- + sha256(resourceType + kind + name))', () => {
  // Digests worked out by hand (python3 hashlib.sha256 over the concatenation) for upstream's scenario
  // test/quota/pre-created-buckets: Organization pre-created-test-org and its two resource types.
  const org = 'resourcemanager.miloapis.com/Organization//pre-created-test-org';

  it("gives Milo's names for a cluster-scoped consumer", () => {
    assert.equal(
      miloBucketName(org, 'pre-created-test/projects-per-org'),
      'bucket-1ffcaee159743e7df83955e0d98418b72e2e353bc3afacb4e6aab38b7fe278fd',
    );
    assert.equal(
      miloBucketName(org, 'pre-created-test/cpu-per-org'),
      'bucket-28676045d89cd1379bd0fe076e64c00108a7b209e90bee85c6060a285ee90f20',
    );
    assert.equal(
      miloBucketName('resourcemanager.miloapis.com/Project//p1', 'resourcemanager.miloapis.com/projects'),
      'bucket-36be3f09e1bba3a70d091cd932a461a2d72e6388555c1943b2959088cf5b80c2',
    );
  });

  it('ignores the apiGroup, as Milo does', () => {
    assert.equal(
      miloBucketName('other.example/Organization//pre-created-test-org', 'x'),
      miloBucketName(org, 'x'),
    );
  });

  it("keeps our name for a namespaced consumer, which Milo's input cannot tell apart by namespace", () => {
    const blue1 = 'example.com/Team/ns1/blue';
    const blue2 = 'example.com/Team/ns2/blue';
    assert.equal(miloBucketName(blue1, 'x'), bucketName(blue1, 'x'));
    assert.notEqual(miloBucketName(blue1, 'x'), miloBucketName(blue2, 'x'));
  });

  it('bucketNamer picks the scheme; a malformed key is refused by both', () => {
    assert.equal(bucketNamer('milo')(org, 'x'), miloBucketName(org, 'x'));
    assert.equal(bucketNamer('default')(org, 'x'), bucketName(org, 'x'));
    assert.throws(() => miloBucketName('not-a-key', 'x'), QuotaInputError);
  });
});

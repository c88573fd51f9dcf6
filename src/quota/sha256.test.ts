import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sha256, sha256Hex } from './sha256.ts';

// NIST FIPS 180-4 example vectors plus lengths around the 55/56/64-byte padding boundaries.
const vectors: Record<string, { input: string; hex: string }> = {
  empty: { input: '', hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  abc: { input: 'abc', hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  '448-bit message': {
    input: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    hex: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  },
  '896-bit message': {
    input:
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    hex: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
  },
  'Milo bucket example (resourceType + kind + name, no separators)': {
    input: 'pre-created-test/projects-per-orgOrganizationpre-created-test-org',
    hex: '1ffcaee159743e7df83955e0d98418b72e2e353bc3afacb4e6aab38b7fe278fd',
  },
};

describe('sha256', () => {
  for (const [name, { input, hex }] of Object.entries(vectors)) {
    it(`matches the known digest: ${name}`, () => assert.equal(sha256Hex(input), hex));
  }

  it('hashes one million "a" (the long NIST vector)', () => {
    const digest = sha256(new Uint8Array(1_000_000).fill(0x61));
    assert.equal(
      Buffer.from(digest).toString('hex'),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('agrees with node:crypto on every length from 0 to 200 bytes', () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      assert.equal(
        Buffer.from(sha256(bytes)).toString('hex'),
        createHash('sha256').update(bytes).digest('hex'),
        `length ${n}`,
      );
    }
  });

  it('agrees with node:crypto on arbitrary strings, including non-ASCII and lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        assert.equal(sha256Hex(text), createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

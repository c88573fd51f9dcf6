import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex } from './sha256.ts';

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
    assert.equal(
      sha256Hex('a'.repeat(1_000_000)),
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('hashes the UTF-8 bytes: non-ASCII text and a lone surrogate (encoded as U+FFFD)', () => {
    assert.equal(sha256Hex('é'), sha256Hex('\u00e9'));
    assert.equal(sha256Hex('\ud800'), sha256Hex('\ufffd'));
    assert.notEqual(sha256Hex('é'), sha256Hex('e'));
  });
});

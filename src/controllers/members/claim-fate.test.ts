import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MemberClaimInput, memberClaimFate } from './claim-fate.ts';

const base: MemberClaimInput = {
  uid: 'u1',
  createdAtMs: 0,
  object: { kind: 'absent' },
  nowMs: 60_000,
  graceMs: 30_000,
  unknownRecheckMs: 5_000,
};

describe('memberClaimFate', () => {
  it('never frees what it cannot see', () => {
    const fate = memberClaimFate({ ...base, object: { kind: 'unknown', why: 'unreachable' }, nowMs: 1e12 });
    assert.deepEqual(fate, { kind: 'recheck', afterMs: 5_000 });
  });

  it('keeps the claim of a present object, and of an object that may still appear', () => {
    assert.deepEqual(memberClaimFate({ ...base, object: { kind: 'present', uid: 'u1' } }), { kind: 'keep' });
    assert.deepEqual(memberClaimFate({ ...base, uid: undefined, object: { kind: 'present', uid: 'u9' } }), {
      kind: 'keep',
    });
    assert.deepEqual(memberClaimFate({ ...base, nowMs: 10_000 }), { kind: 'recheck', afterMs: 20_000 });
  });

  it('releases a claim whose object is gone after the grace period, or was replaced', () => {
    assert.equal(memberClaimFate(base).kind, 'release');
    const replaced = memberClaimFate({ ...base, object: { kind: 'present', uid: 'u2' } });
    assert.equal(replaced.kind, 'release');
    assert.match(replaced.kind === 'release' ? replaced.why : '', /replaced/);
  });
});

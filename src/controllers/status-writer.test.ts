import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusPatch } from './status-writer.ts';

describe('statusPatch', () => {
  it('clears, with null, the fields the new status no longer has (merge patches keep absent keys)', () => {
    const stored = { limit: 0, allocated: 1, available: 0, overcommitted: 1 };
    const next = { limit: 5, allocated: 1, available: 4 };
    assert.deepEqual(statusPatch(stored, next), {
      limit: 5,
      allocated: 1,
      available: 4,
      overcommitted: null,
    });
  });

  it('is the new status itself when nothing was dropped', () => {
    assert.deepEqual(statusPatch(undefined, { observedGeneration: 1 }), { observedGeneration: 1 });
    assert.deepEqual(statusPatch({ a: 1 }, { a: 2, b: 3 }), { a: 2, b: 3 });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonEqual, statusEqual } from './equal.ts';

describe('jsonEqual / statusEqual', () => {
  it('ignores key order and keys holding undefined', () => {
    assert.equal(jsonEqual({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined }), true);
  });

  it('compares arrays in order and distinguishes types', () => {
    assert.equal(jsonEqual([1, 2], [2, 1]), false);
    assert.equal(jsonEqual({ a: [] }, { a: {} }), false);
    assert.equal(jsonEqual({ a: null }, { a: undefined }), false);
    assert.equal(jsonEqual(1, '1'), false);
  });

  it('detects a changed observedGeneration (it must always advance)', () => {
    assert.equal(
      statusEqual({ observedGeneration: 1, conditions: [] }, { observedGeneration: 2, conditions: [] }),
      false,
    );
  });

  it('treats an absent status as an empty one', () => {
    assert.equal(statusEqual(undefined, {}), true);
    assert.equal(statusEqual(undefined, { limit: 0 }), false);
  });
});

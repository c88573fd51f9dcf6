import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Condition,
  findCondition,
  isConditionFalse,
  isConditionTrue,
  removeCondition,
  setCondition,
  toRFC3339,
} from './conditions.ts';

const T0 = '2024-01-01T00:00:00Z';
const T1 = new Date('2024-01-02T03:04:05.678Z');

const ready = (status: Condition['status'], reason = 'PolicyReady', observedGeneration?: number) => ({
  type: 'Ready',
  status,
  reason,
  message: `is ${status}`,
  ...(observedGeneration === undefined ? {} : { observedGeneration }),
});

describe('setCondition', () => {
  it('adds a missing condition with lastTransitionTime = now at second precision', () => {
    const list = setCondition(undefined, ready('True', 'PolicyReady', 3), T1);
    assert.deepEqual(list, [
      { ...ready('True', 'PolicyReady', 3), lastTransitionTime: '2024-01-02T03:04:05Z' },
    ]);
  });

  it('keeps lastTransitionTime when only reason, message or observedGeneration change', () => {
    const first = setCondition([], ready('False', 'ValidationFailed', 1), T0);
    const next = setCondition(first, ready('False', 'PolicyDisabled', 2), T1);
    assert.equal(next[0]?.lastTransitionTime, T0);
    assert.equal(next[0]?.reason, 'PolicyDisabled');
    assert.equal(next[0]?.observedGeneration, 2);
  });

  it('moves lastTransitionTime when status changes', () => {
    const first = setCondition([], ready('False'), T0);
    const next = setCondition(first, ready('True'), T1);
    assert.equal(next[0]?.lastTransitionTime, '2024-01-02T03:04:05Z');
  });

  it('returns the same array when nothing changed, so callers can skip the write', () => {
    const first = setCondition([], ready('True', 'PolicyReady', 1), T0);
    assert.equal(setCondition(first, ready('True', 'PolicyReady', 1), T1), first);
  });

  it('drops observedGeneration when the update has none (as SetStatusCondition writes 0/omitted)', () => {
    const first = setCondition([], ready('True', 'PolicyReady', 4), T0);
    const next = setCondition(first, ready('True'), T1);
    assert.equal(next[0]?.observedGeneration, undefined);
    assert.notEqual(next, first);
  });

  it('does not mutate its input and preserves the position of other conditions', () => {
    const a = setCondition([], { type: 'A', status: 'True', reason: 'R', message: '' }, T0);
    const ab = setCondition(a, ready('True'), T0);
    const frozen = Object.freeze(ab.map((c) => Object.freeze({ ...c })));
    const updated = setCondition(frozen, { type: 'A', status: 'False', reason: 'R', message: '' }, T1);
    assert.deepEqual(
      updated.map((c) => c.type),
      ['A', 'Ready'],
    );
    assert.equal(frozen[0]?.status, 'True');
  });
});

describe('condition queries', () => {
  const list = setCondition([], ready('True'), T0);
  it('finds, tests and removes conditions', () => {
    assert.equal(findCondition(list, 'Ready')?.status, 'True');
    assert.equal(isConditionTrue(list, 'Ready'), true);
    assert.equal(isConditionFalse(list, 'Ready'), false);
    assert.equal(isConditionTrue(undefined, 'Ready'), false);
    assert.deepEqual(removeCondition(list, 'Ready'), []);
    assert.equal(removeCondition(list, 'Other'), list);
  });

  it('rejects invalid times instead of writing garbage', () => {
    assert.throws(() => toRFC3339('not a time'), RangeError);
    assert.equal(toRFC3339('2024-05-06T07:08:09.999+02:00'), '2024-05-06T05:08:09Z');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlanGate } from './plan-gate.ts';

describe('PlanGate', () => {
  it('releases a plan at once when no earlier pass of the consumer is writing', () => {
    const gate = new PlanGate<string>();
    assert.equal(gate.settle(gate.open('c', 'p1'), false), 'p1');
    assert.equal(gate.pending, 0);
  });

  it('holds a later plan until the earlier passes have settled, then releases only the latest', () => {
    const gate = new PlanGate<string>();
    const first = gate.open('c', 'p1');
    const second = gate.open('c', 'p2');
    const third = gate.open('c', 'p3');
    assert.equal(gate.settle(second, false), undefined, 'p2 counts p1 writes still in flight');
    assert.equal(gate.settle(first, false), 'p2', 'p1 and p2 settled: p2 supersedes p1');
    assert.equal(gate.pending, 1);
    assert.equal(gate.settle(third, false), 'p3');
    assert.equal(gate.pending, 0);
  });

  it('releases nothing from a settled run that holds a failed pass', () => {
    const gate = new PlanGate<string>();
    const first = gate.open('c', 'p1');
    const second = gate.open('c', 'p2');
    assert.equal(gate.settle(second, false), undefined);
    assert.equal(
      gate.settle(first, true),
      undefined,
      'p2 was planned with p1 assumed; the retry pass plans again',
    );
    assert.equal(gate.settle(gate.open('c', 'retry'), false), 'retry');
  });

  it('keeps consumers apart', () => {
    const gate = new PlanGate<string>();
    const a = gate.open('a', 'a1');
    assert.equal(gate.settle(gate.open('b', 'b1'), false), 'b1');
    assert.equal(gate.settle(a, false), 'a1');
  });

  it('ignores a ticket settled twice', () => {
    const gate = new PlanGate<string>();
    const ticket = gate.open('c', 'p1');
    assert.equal(gate.settle(ticket, false), 'p1');
    assert.equal(gate.settle(ticket, false), undefined);
  });
});

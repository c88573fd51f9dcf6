import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDecision, applyDecisions, mergeAllocations } from './apply.ts';
import type { Decision } from './decision.ts';
import { claim, denied, granted, pending, waitFor } from './test-builders.ts';

describe('mergeAllocations', () => {
  it('adds entries for new resource types and replaces Pending ones', () => {
    assert.deepEqual(mergeAllocations([pending('cpu')], [granted('cpu', 1), granted('mem', 2)]), [
      granted('cpu', 1),
      granted('mem', 2),
    ]);
  });

  it('never replaces a final entry: decided is final, even for a stale decision', () => {
    assert.deepEqual(mergeAllocations([granted('cpu', 1)], [denied('cpu')]), [granted('cpu', 1)]);
    assert.deepEqual(mergeAllocations([denied('cpu')], [granted('cpu', 1)]), [denied('cpu')]);
  });
});

describe('applyDecision', () => {
  const ref = { namespace: 'default', name: 'a', uid: 'uid-a' };
  const grant: Decision = { kind: 'grant', claim: ref, allocations: [granted('cpu', 1)] };

  it('writes a grant or deny', () => {
    assert.deepEqual(applyDecision(claim('a', { cpu: 1 }), grant).allocations, [granted('cpu', 1)]);
  });

  it('changes nothing for a wait', () => {
    const input = claim('a', { cpu: 1 });
    assert.equal(applyDecision(input, waitFor(ref)), input);
  });

  it('ignores a decision for another incarnation of the claim (different uid)', () => {
    const recreated = { ...claim('a', { cpu: 1 }), uid: 'uid-other' };
    assert.equal(applyDecision(recreated, grant), recreated);
  });

  it('matches decisions to claims by namespace/name', () => {
    const claims = [claim('a', { cpu: 1 }), claim('b', { cpu: 1 })];
    const [a, b] = applyDecisions(claims, [grant]);
    assert.deepEqual(a?.allocations, [granted('cpu', 1)]);
    assert.equal(b, claims[1]);
  });
});

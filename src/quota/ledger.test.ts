import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import { Ledger } from './ledger.ts';
import { claim, grant, granted, pending, snapshot, T0, waitFor } from './test-builders.ts';
import { claimKey } from './types.ts';

describe('Ledger', () => {
  const input = snapshot({ grants: [grant('g', { cpu: 1 })], claims: [claim('a', { cpu: 1 })] });
  const ref = { namespace: 'default', name: 'a', uid: 'uid-a' };

  it('makes a second round count a grant still in flight', () => {
    const ledger = new Ledger();
    const [decision] = decide(input).decisions;
    assert.equal(decision?.kind, 'grant');
    if (decision) ledger.assumeDecision(decision);
    // b was created before a but reached the cache after the round that granted a.
    const later = { ...input, claims: [...input.claims, claim('b', { cpu: 1 }, { at: T0 - 1000 })] };
    const round = decide(ledger.overlaySnapshot(later));
    assert.deepEqual(
      round.decisions.map((d) => [claimKey(d.claim), d.kind]),
      [['default/b', 'deny']],
    );
    // Without the ledger the stale view grants b the unit a's write in flight already holds: over-allocation.
    assert.deepEqual(
      decide(later).decisions.map((d) => [claimKey(d.claim), d.kind]),
      [
        ['default/b', 'grant'],
        ['default/a', 'deny'],
      ],
    );
  });

  it('forgets on failure, so the claim is decided again', () => {
    const ledger = new Ledger();
    const undo = ledger.assume(ref, [granted('cpu', 1)]);
    undo();
    assert.equal(ledger.size, 0);
    assert.equal(decide(ledger.overlaySnapshot(input)).decisions[0]?.kind, 'grant');
  });

  it('an undo does not remove a newer assumption for the same claim', () => {
    const ledger = new Ledger();
    const undo = ledger.assume(ref, [granted('cpu', 1)]);
    ledger.assume(ref, [granted('cpu', 1)]);
    undo();
    assert.ok(ledger.has('default/a'));
  });

  const observations = {
    'keeps the assumption while the cache is stale': { seen: claim('a', { cpu: 1 }), kept: true },
    'keeps it while the cache shows Pending': {
      seen: claim('a', { cpu: 1 }, { allocations: [pending('cpu')] }),
      kept: true,
    },
    'drops it once the cache shows the write': {
      seen: claim('a', { cpu: 1 }, { allocations: [granted('cpu', 1)] }),
      kept: false,
    },
    'drops it when the claim was replaced (new uid)': {
      seen: { ...claim('a', { cpu: 1 }), uid: 'new' },
      kept: false,
    },
    'drops it when the claim is being deleted': {
      seen: claim('a', { cpu: 1 }, { deleting: true }),
      kept: false,
    },
  };
  for (const [name, { seen, kept }] of Object.entries(observations)) {
    it(`observe ${name}`, () => {
      const ledger = new Ledger();
      ledger.assume(ref, [granted('cpu', 1)]);
      ledger.observe(seen);
      assert.equal(ledger.has('default/a'), kept);
    });
  }

  it('does not overlay an assumption onto another incarnation of the claim', () => {
    const ledger = new Ledger();
    ledger.assume(ref, [granted('cpu', 1)]);
    const recreated = { ...claim('a', { cpu: 1 }), uid: 'new' };
    assert.deepEqual(ledger.overlay([recreated]), [recreated]);
  });

  it('a wait decision is not recorded', () => {
    const ledger = new Ledger();
    ledger.assumeDecision(waitFor(ref));
    assert.equal(ledger.size, 0);
  });

  it('forget drops by key', () => {
    const ledger = new Ledger();
    ledger.assume(ref, [granted('cpu', 1)]);
    ledger.forget('default/a');
    assert.equal(ledger.has('default/a'), false);
  });
});

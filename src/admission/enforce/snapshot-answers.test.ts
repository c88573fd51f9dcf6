// Admission's figures come from the decider's snapshot (QuotaCache.snapshot), so a decision still in flight
// (assumed in the ledger, its status write not yet seen back) counts in a denial's figures and a dry-run's
// verdict, as it does in the next decision.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeClaim, PROJECTS } from '../../api/testing.ts';
import { assumeGranted, seededCache } from '../../cache/testing.ts';
import { denialFor, dryRunVerdict } from './snapshot-answers.ts';

const request = (amount: number) => {
  const claim = makeClaim([{ resourceType: PROJECTS, amount }]);
  return { ...claim, metadata: { ...claim.metadata, name: 'claim-2' } };
};

describe('admission figures with a decision in flight', () => {
  it("count a grant being written in a denial's figures", () => {
    const caches = seededCache();
    const figures = () => denialFor({ caches }, request(5), 'projects').requests[0];
    const asked = { resourceType: PROJECTS, requested: 5, limit: 10 };
    assert.deepEqual(figures(), { ...asked, allocated: 0, available: 10 });
    assumeGranted(caches);
    assert.deepEqual(figures(), { ...asked, allocated: 8, available: 2 });
  });

  it('let a dry-run have the room a denial in flight leaves', () => {
    const caches = seededCache();
    // the cached claim for 8 is open: the dry-run decides it first (FCFS) and grants it, so 5 do not fit
    assert.equal(dryRunVerdict({ caches }, [{ policy: 'p', claim: request(5) }], Date.now()).allowed, false);
    // once its denial is being written, the 10 are free
    caches.ledger.assume({ namespace: 'quota-system', name: 'claim-1', uid: 'c1' }, [
      { resourceType: PROJECTS, status: 'Denied', reason: 'QuotaExceeded' },
    ]);
    assert.equal(dryRunVerdict({ caches }, [{ policy: 'p', claim: request(5) }], Date.now()).allowed, true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import { makeClaim } from '../../api/testing.ts';
import type { Decision } from '../../quota/index.ts';
import { type AmbiguousWrite, ambiguousFate } from './ambiguous.ts';

const TYPE = 'resourcemanager.miloapis.com/projects';
const decision = {
  kind: 'grant',
  claim: { namespace: 'quota-system', name: 'claim-1', uid: 'u1' },
  allocations: [{ resourceType: TYPE, status: 'Granted', allocatedAmount: 1, reason: 'QuotaAvailable' }],
} as unknown as Decision;
const write: AmbiguousWrite = { uid: 'u1', resourceVersion: '10', decision };

function live(resourceVersion: string, status?: 'Granted' | 'Denied', uid = 'u1'): ResourceClaim {
  const claim = makeClaim([{ resourceType: TYPE, amount: 1 }]);
  claim.metadata.uid = uid;
  claim.metadata.resourceVersion = resourceVersion;
  if (status !== undefined) {
    claim.status = {
      allocations: [{ resourceType: TYPE, status, lastTransitionTime: '2026-01-01T00:00:00Z' }],
    };
  }
  return claim;
}

describe('ambiguousFate', () => {
  it('landed: the claim shows the requests decided', () => {
    assert.equal(ambiguousFate(write, live('11', 'Granted')), 'landed');
    // decided by any write: the decision is final either way and the cache will show it
    assert.equal(ambiguousFate(write, live('11', 'Denied')), 'landed');
  });

  it('dead: still open at another resourceVersion, so the write can never land', () => {
    assert.equal(ambiguousFate(write, live('12')), 'dead');
  });

  it('unknown: still open at the same resourceVersion (write it again)', () => {
    assert.equal(ambiguousFate(write, live('10')), 'unknown');
  });

  it('gone: deleted or replaced', () => {
    assert.equal(ambiguousFate(write, undefined), 'gone');
    assert.equal(ambiguousFate(write, live('10', undefined, 'u2')), 'gone');
  });
});

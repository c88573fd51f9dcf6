import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_AMOUNT } from '../amount.ts';
import { clone, makeBucket, makeGrant, makeRegistration, PROJECTS } from '../testing.ts';
import { validateAllowanceBucket, validateAllowanceBucketUpdate } from './allowance-bucket.ts';
import { registrationLookup } from './registrations.ts';
import {
  validateResourceGrant,
  validateResourceGrantAgainstRegistrations,
  validateResourceGrantUpdate,
} from './resource-grant.ts';

const paths = (errors: readonly { path: string }[]) => errors.map((e) => e.path);

describe('validateResourceGrant', () => {
  it('accepts a valid grant, including a zero amount', () => {
    assert.deepEqual(validateResourceGrant(makeGrant(0)), []);
  });

  it('rejects negative and too-large amounts, and more than 20 allowances', () => {
    assert.deepEqual(paths(validateResourceGrant(makeGrant(-1))), ['spec.allowances[0].buckets[0].amount']);
    assert.deepEqual(paths(validateResourceGrant(makeGrant(MAX_AMOUNT + 1))), [
      'spec.allowances[0].buckets[0].amount',
    ]);
    const g = makeGrant();
    g.spec.allowances = Array.from({ length: 21 }, (_, i) => ({
      resourceType: `r${i}`,
      buckets: [{ amount: 1 }],
    }));
    assert.deepEqual(paths(validateResourceGrant(g)), ['spec.allowances']);
  });

  it('rejects a per-type total above 2^53-1 even when every amount is valid', () => {
    const g = makeGrant(MAX_AMOUNT);
    g.spec.allowances.push({ resourceType: PROJECTS, buckets: [{ amount: 1 }] });
    const errors = validateResourceGrantUpdate(makeGrant(), g);
    assert.deepEqual(paths(errors), ['spec.allowances[1]']);
    assert.match(errors[0]?.message ?? '', /exceeds 9007199254740991/);
  });
});

describe('validateResourceGrantAgainstRegistrations', () => {
  it('requires an Active registration per resource type', () => {
    const none = validateResourceGrantAgainstRegistrations(makeGrant(), registrationLookup([]));
    assert.match(none[0]?.message ?? '', /is not available for quota management/);
    const inactive = registrationLookup([makeRegistration('p', PROJECTS, false)]);
    assert.equal(validateResourceGrantAgainstRegistrations(makeGrant(), inactive).length, 1);
    assert.deepEqual(
      validateResourceGrantAgainstRegistrations(makeGrant(), registrationLookup([makeRegistration()])),
      [],
    );
  });

  it("requires the consumer to be the registration's consumerType (Milo never checked)", () => {
    const g = makeGrant();
    g.spec.consumerRef = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'p' };
    const errors = validateResourceGrantAgainstRegistrations(g, registrationLookup([makeRegistration()]));
    assert.deepEqual(paths(errors), ['spec.consumerRef']);
    assert.match(
      errors[0]?.message ?? '',
      /expected resourcemanager\.miloapis\.com\/Organization, got resourcemanager\.miloapis\.com\/Project/,
    );
  });
});

describe('validateAllowanceBucket', () => {
  it('accepts a bucket and freezes its spec', () => {
    const b = makeBucket();
    assert.deepEqual(validateAllowanceBucket(b), []);
    const next = clone(b);
    next.spec.resourceType = 'other';
    assert.deepEqual(paths(validateAllowanceBucketUpdate(b, next)), ['spec']);
    assert.deepEqual(validateAllowanceBucketUpdate(b, clone(b)), []);
  });

  it('rejects a negative or too-large status figure', () => {
    const b = makeBucket();
    b.status = { limit: -1, allocated: MAX_AMOUNT + 1, available: 0, claimCount: 0, grantCount: 0 };
    assert.deepEqual(paths(validateAllowanceBucket(b)), ['status.limit', 'status.allocated']);
  });
});

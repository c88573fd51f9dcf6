// Validators answer malformed objects (what the schema refuses) with the schema's errors, never a TypeError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim, ResourceGrant } from '../index.ts';
import { makeClaim, makeGrant } from '../testing.ts';
import { validateResourceClaim } from './resource-claim.ts';
import { validateResourceGrant } from './resource-grant.ts';

describe('validators on shapes the schema refuses', () => {
  it('returns errors for a claim with a null request or a null resourceRef', () => {
    for (const spec of [
      { ...makeClaim().spec, requests: [null] },
      { ...makeClaim().spec, resourceRef: null },
    ]) {
      const claim = { ...makeClaim(), spec } as unknown as ResourceClaim;
      const errors = validateResourceClaim(claim);
      assert.ok(errors.length > 0);
      assert.ok(errors.every((e) => e.path.startsWith('spec.')));
    }
  });

  it('returns errors for a grant whose buckets are not a list', () => {
    const grant = makeGrant();
    const broken = {
      ...grant,
      spec: { ...grant.spec, allowances: [{ resourceType: 'x', buckets: 5 }] },
    } as unknown as ResourceGrant;
    assert.ok(validateResourceGrant(broken).some((e) => e.path.includes('buckets')));
  });
});

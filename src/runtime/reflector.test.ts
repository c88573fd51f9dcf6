import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextPageLimit, PAGE_LIMITS } from './reflector.ts';

describe('adaptive LIST pages', () => {
  it("starts at client-go's 500 and grows towards the byte target for small objects", () => {
    assert.equal(nextPageLimit(0, 0), 500);
    // 500 claims of ~1 KB: 16 MiB holds ~16,000, capped at 10,000
    assert.equal(nextPageLimit(500, 500 * 1000), PAGE_LIMITS.max);
    // ~4 KB objects: 16 MiB / 4 KiB = 4,096
    assert.equal(nextPageLimit(1000, 1000 * 4096), 4096);
  });

  it('never goes below 500, however large the objects (250 KB annotations)', () => {
    assert.equal(nextPageLimit(500, 500 * 250_000), PAGE_LIMITS.min);
  });
});

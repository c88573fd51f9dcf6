import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_AMOUNT } from './amount.ts';
import type { BucketFigures } from './figures.ts';
import { computeFigures, emptyFigures, featureEnabled } from './figures.ts';
import { claim, denied, grant, granted, pending } from './test-builders.ts';
import type { ClaimInput, GrantInput } from './types.ts';

type Summary = Pick<BucketFigures, 'limit' | 'allocated' | 'available' | 'claimCount' | 'grantCount'> & {
  overCommittedBy?: number;
};

const cases: Record<string, { grants: GrantInput[]; claims: ClaimInput[]; want: Record<string, Summary> }> = {
  'nothing at all': { grants: [], claims: [], want: {} },
  'active grants add up, inactive ones count for nothing': {
    grants: [grant('g1', { cpu: 4 }), grant('g2', { cpu: 6 }), grant('g3', { cpu: 100 }, { active: false })],
    claims: [],
    want: { cpu: { limit: 10, allocated: 0, available: 10, claimCount: 0, grantCount: 2 } },
  },
  'several allowances of one type in one grant count as one grant': {
    grants: [
      {
        ...grant('g1', {}),
        allowances: [
          { resourceType: 'cpu', amount: 1 },
          { resourceType: 'cpu', amount: 2 },
        ],
      },
    ],
    claims: [],
    want: { cpu: { limit: 3, allocated: 0, available: 3, claimCount: 0, grantCount: 1 } },
  },
  'granted allocations are allocated; pending ones are not': {
    grants: [grant('g', { cpu: 10, mem: 5 })],
    claims: [
      claim('a', { cpu: 3 }, { allocations: [granted('cpu', 3)] }),
      claim('b', { cpu: 2, mem: 1 }, { allocations: [granted('cpu', 2), granted('mem', 1)] }),
      claim('c', { cpu: 4 }, { allocations: [pending('cpu')] }),
      claim('d', { cpu: 4 }),
    ],
    want: {
      cpu: { limit: 10, allocated: 5, available: 5, claimCount: 2, grantCount: 1 },
      mem: { limit: 5, allocated: 1, available: 4, claimCount: 1, grantCount: 1 },
    },
  },
  'a denied claim holds nothing, even its Granted parts (older non-atomic writer)': {
    grants: [grant('g', { cpu: 10, mem: 5 })],
    claims: [claim('a', { cpu: 3, mem: 9 }, { allocations: [granted('cpu', 3), denied('mem')] })],
    want: {
      cpu: { limit: 10, allocated: 0, available: 10, claimCount: 0, grantCount: 1 },
      mem: { limit: 5, allocated: 0, available: 5, claimCount: 0, grantCount: 1 },
    },
  },
  'a claim being deleted holds nothing': {
    grants: [grant('g', { cpu: 10 })],
    claims: [claim('a', { cpu: 3 }, { allocations: [granted('cpu', 3)], deleting: true })],
    want: { cpu: { limit: 10, allocated: 0, available: 10, claimCount: 0, grantCount: 1 } },
  },
  'a claim being deleted does not keep a resource type listed': {
    grants: [],
    claims: [claim('a', { gpu: 1 }, { allocations: [granted('gpu', 1)], deleting: true })],
    want: {},
  },
  'a pending claim lists its resource types with zero figures': {
    grants: [],
    claims: [claim('a', { gpu: 1 })],
    want: { gpu: { limit: 0, allocated: 0, available: 0, claimCount: 0, grantCount: 0 } },
  },
  'a Granted allocation for a type no longer requested is ignored': {
    grants: [grant('g', { cpu: 10 })],
    claims: [claim('a', { mem: 1 }, { allocations: [granted('cpu', 3), granted('mem', 1)] })],
    want: {
      cpu: { limit: 10, allocated: 0, available: 10, claimCount: 0, grantCount: 1 },
      mem: { limit: 0, allocated: 1, available: 0, claimCount: 1, grantCount: 0, overCommittedBy: 1 },
    },
  },
  'over-commit: the grant shrank after allocation, nothing is revoked': {
    grants: [grant('g', { cpu: 2 })],
    claims: [claim('a', { cpu: 5 }, { allocations: [granted('cpu', 5)] })],
    want: { cpu: { limit: 2, allocated: 5, available: 0, claimCount: 1, grantCount: 1, overCommittedBy: 3 } },
  },
  'limits saturate at 2^53-1': {
    grants: [grant('g1', { cpu: MAX_AMOUNT }), grant('g2', { cpu: MAX_AMOUNT })],
    claims: [],
    want: { cpu: { limit: MAX_AMOUNT, allocated: 0, available: MAX_AMOUNT, claimCount: 0, grantCount: 2 } },
  },
};

describe('computeFigures', () => {
  for (const [name, { grants, claims, want }] of Object.entries(cases)) {
    it(name, () => {
      const figures = computeFigures({ grants, claims });
      const got: Record<string, Summary> = {};
      for (const [type, f] of figures) {
        const { limit, allocated, available, claimCount, grantCount, overCommitted, overCommittedBy } = f;
        assert.equal(overCommitted, overCommittedBy > 0);
        got[type] = { limit, allocated, available, claimCount, grantCount };
        if (overCommitted) got[type] = { ...got[type], overCommittedBy };
      }
      assert.deepEqual(got, want);
    });
  }

  it('lists contributing grants sorted by namespace then name, with generation and per-grant amount', () => {
    const figures = computeFigures({
      grants: [
        grant('b', { cpu: 1 }, { namespace: 'ns2', generation: 3 }),
        grant('z', { cpu: 2 }, { namespace: 'ns1' }),
        grant('a', { cpu: 4 }, { namespace: 'ns2', generation: 7 }),
        grant('off', { cpu: 8 }, { active: false }),
      ],
      claims: [],
    });
    assert.deepEqual(figures.get('cpu')?.contributingGrantRefs, [
      { namespace: 'ns1', name: 'z', lastObservedGeneration: 0, amount: 2 },
      { namespace: 'ns2', name: 'a', lastObservedGeneration: 7, amount: 4 },
      { namespace: 'ns2', name: 'b', lastObservedGeneration: 3, amount: 1 },
    ]);
  });

  it('orders resource types deterministically', () => {
    const figures = computeFigures({ grants: [grant('g', { b: 1, a: 1, C: 1 })], claims: [] });
    assert.deepEqual([...figures.keys()], ['C', 'a', 'b']);
  });

  it('has all-zero empty figures', () => {
    const { resourceType, contributingGrantRefs, overCommitted, ...counts } = emptyFigures('x');
    assert.deepEqual([resourceType, contributingGrantRefs, overCommitted], ['x', [], false]);
    assert.ok(
      Object.values(counts).every((n) => n === 0),
      `not all zero: ${JSON.stringify(counts)}`,
    );
  });
});

describe('featureEnabled', () => {
  const figures = (grants: GrantInput[], claims: ClaimInput[] = []) =>
    computeFigures({ grants, claims }).get('beta');

  it('is on while an Active grant gives the feature an amount above 0', () => {
    assert.equal(featureEnabled(figures([grant('g', { beta: 1 })])), true);
  });

  it('is off with no bucket, only inactive grants, or grants of 0', () => {
    assert.equal(featureEnabled(undefined), false);
    assert.equal(featureEnabled(figures([grant('g', { beta: 1 }, { active: false })])), false);
    assert.equal(featureEnabled(figures([grant('g', { beta: 0 })])), false);
  });

  it('ignores allocations: a stale granted claim cannot switch a feature off', () => {
    const stale = claim('old', { beta: 1 }, { allocations: [granted('beta', 1)] });
    const bucket = figures([grant('g', { beta: 1 })], [stale]);
    assert.equal(bucket?.available, 0);
    assert.equal(featureEnabled(bucket), true);
  });
});

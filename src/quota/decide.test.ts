import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketName } from './consumer.ts';
import { decide } from './decide.ts';
import type { Decision } from './decision.ts';
import { QuotaInputError } from './errors.ts';
import {
  at,
  CONSUMER,
  claim,
  denied,
  grant,
  granted,
  pending,
  registered,
  snapshot,
} from './test-builders.ts';
import type { ConsumerSnapshot } from './types.ts';
import { claimKey } from './types.ts';

/** One line per decision: `grant`, `deny:<reason>[type=cause,…]` or `wait:<cause>@<seconds after T0>`. */
function summary(decision: Decision): string {
  switch (decision.kind) {
    case 'grant':
      return `grant[${decision.allocations.map((a) => `${a.resourceType}=${a.allocatedAmount}`).join(',')}]`;
    case 'deny':
      return `deny:${decision.reason}[${decision.reasons.map((r) => `${r.resourceType}=${r.cause}`).join(',')}]`;
    case 'wait':
      return `wait:${decision.cause}@${(decision.until - at(0)) / 1000}`;
  }
}

function summarise(input: ConsumerSnapshot): Record<string, string> {
  return Object.fromEntries(decide(input).decisions.map((d) => [claimKey(d.claim), summary(d)]));
}

const cases: Record<string, { input: ConsumerSnapshot; want: Record<string, string> }> = {
  'grants a claim that fits': {
    input: snapshot({ grants: [grant('g', { cpu: 4 })], claims: [claim('a', { cpu: 4 })] }),
    want: { 'default/a': 'grant[cpu=4]' },
  },
  'denies a claim that does not fit': {
    input: snapshot({ grants: [grant('g', { cpu: 4 })], claims: [claim('a', { cpu: 5 })] }),
    want: { 'default/a': 'deny:QuotaExceeded[cpu=insufficient]' },
  },
  'FCFS: the earlier claim gets the last unit, whatever the list order': {
    input: snapshot({
      grants: [grant('g', { cpu: 1 })],
      claims: [claim('late', { cpu: 1 }, { at: at(2) }), claim('early', { cpu: 1 }, { at: at(1) })],
    }),
    want: { 'default/early': 'grant[cpu=1]', 'default/late': 'deny:QuotaExceeded[cpu=insufficient]' },
  },
  'FCFS: equal timestamps are ordered by name': {
    input: snapshot({
      grants: [grant('g', { cpu: 1 })],
      claims: [claim('b', { cpu: 1 }), claim('a', { cpu: 1 })],
    }),
    want: { 'default/a': 'grant[cpu=1]', 'default/b': 'deny:QuotaExceeded[cpu=insufficient]' },
  },
  'a denied large claim holds nothing, so a later small one still fits': {
    input: snapshot({
      grants: [grant('g', { cpu: 3 })],
      claims: [claim('big', { cpu: 5 }, { at: at(1) }), claim('small', { cpu: 3 }, { at: at(2) })],
    }),
    want: { 'default/big': 'deny:QuotaExceeded[cpu=insufficient]', 'default/small': 'grant[cpu=3]' },
  },
  'atomic: a multi-request claim is denied whole and its fitting request reserves nothing': {
    input: snapshot({
      grants: [grant('g', { cpu: 2, mem: 1 })],
      claims: [
        claim('both', { cpu: 2, mem: 5 }, { at: at(1) }),
        claim('cpu-only', { cpu: 2 }, { at: at(2) }),
      ],
    }),
    want: {
      'default/both': 'deny:QuotaExceeded[cpu=sibling,mem=insufficient]',
      'default/cpu-only': 'grant[cpu=2]',
    },
  },
  'atomic: a multi-request claim that fits is granted whole': {
    input: snapshot({
      grants: [grant('g', { cpu: 2, mem: 5 })],
      claims: [claim('both', { cpu: 2, mem: 5 })],
    }),
    want: { 'default/both': 'grant[cpu=2,mem=5]' },
  },
  'finality: decided claims are never decided again, even when the bucket is over-committed': {
    input: snapshot({
      grants: [grant('g', { cpu: 1 })],
      claims: [
        claim('g1', { cpu: 5 }, { allocations: [granted('cpu', 5)] }),
        claim('d1', { cpu: 1 }, { allocations: [denied('cpu')] }),
      ],
    }),
    want: {},
  },
  'a Pending allocation entry is open and gets decided': {
    input: snapshot({
      grants: [grant('g', { cpu: 1 })],
      claims: [claim('a', { cpu: 1 }, { allocations: [pending('cpu')] })],
    }),
    want: { 'default/a': 'grant[cpu=1]' },
  },
  'partial write, rest fits: only the open requests are granted': {
    input: snapshot({
      grants: [grant('g', { cpu: 2, mem: 2 })],
      claims: [claim('a', { cpu: 2, mem: 2 }, { allocations: [granted('cpu', 2)] })],
    }),
    want: { 'default/a': 'grant[mem=2]' },
  },
  'partial write, rest does not fit: denied whole and its Granted part is freed for later claims': {
    input: snapshot({
      grants: [grant('g', { cpu: 2, mem: 1 })],
      claims: [
        claim('a', { cpu: 2, mem: 2 }, { at: at(1), allocations: [granted('cpu', 2)] }),
        claim('b', { cpu: 2 }, { at: at(2) }),
      ],
    }),
    want: { 'default/a': 'deny:QuotaExceeded[mem=insufficient]', 'default/b': 'grant[cpu=2]' },
  },
  'partial write with a Denied request: the open requests are denied alongside it': {
    input: snapshot({
      grants: [grant('g', { cpu: 9, mem: 9 })],
      claims: [claim('a', { cpu: 1, mem: 1, disk: 1 }, { allocations: [denied('cpu'), granted('mem', 1)] })],
    }),
    want: { 'default/a': 'deny:QuotaExceeded[disk=sibling]' },
  },
  'a claim being deleted holds nothing and is not decided': {
    input: snapshot({
      grants: [grant('g', { cpu: 1 })],
      claims: [
        claim('gone', { cpu: 1 }, { allocations: [granted('cpu', 1)], deleting: true }),
        claim('gone-pending', { cpu: 1 }, { deleting: true }),
        claim('next', { cpu: 1 }),
      ],
    }),
    want: { 'default/next': 'grant[cpu=1]' },
  },
  'unregistered resource type: denied with ValidationFailed, the whole claim': {
    input: snapshot({
      grants: [grant('g', { cpu: 9 })],
      claims: [claim('a', { cpu: 1, gpu: 1 })],
      registrations: registered('cpu'),
    }),
    want: { 'default/a': 'deny:ValidationFailed[cpu=sibling,gpu=unregistered]' },
  },
  'registration not Active: same as unregistered': {
    input: snapshot({
      grants: [grant('g', { cpu: 9 })],
      claims: [claim('a', { cpu: 1 })],
      registrations: new Map([['cpu', { active: false, type: 'Allocation' }]]),
    }),
    want: { 'default/a': 'deny:ValidationFailed[cpu=unregistered]' },
  },
  'a registration not evaluated yet: the claim waits for its evaluation (start-up window)': {
    input: snapshot({
      grants: [grant('g', { cpu: 9 })],
      claims: [claim('a', { cpu: 1 }, { at: at(0) })],
      registrations: new Map([['cpu', { active: false, pending: true, type: 'Allocation' }]]),
      now: at(2),
    }),
    want: { 'default/a': 'wait:awaiting-registration@10' },
  },
  'a registration still not evaluated after the window: denied as unregistered': {
    input: snapshot({
      grants: [grant('g', { cpu: 9 })],
      claims: [claim('a', { cpu: 1 }, { at: at(0) })],
      registrations: new Map([['cpu', { active: false, pending: true, type: 'Allocation' }]]),
      now: at(10),
    }),
    want: { 'default/a': 'deny:ValidationFailed[cpu=unregistered]' },
  },
  'a Feature is never claimed: denied with ValidationFailed even with an Active grant': {
    input: snapshot({
      grants: [grant('g', { cpu: 9, beta: 1 })],
      claims: [claim('a', { cpu: 1, beta: 1 }), claim('b', { cpu: 1 }, { at: at(1) })],
      registrations: new Map([
        ['cpu', { active: true, type: 'Allocation' }],
        ['beta', { active: true, type: 'Feature' }],
      ]),
    }),
    want: { 'default/a': 'deny:ValidationFailed[cpu=sibling,beta=feature]', 'default/b': 'grant[cpu=1]' },
  },
  'a Feature registration not Active or not evaluated yet: denied as a Feature, never waited for': {
    input: snapshot({
      claims: [claim('a', { beta: 1 }, { at: at(0) }), claim('b', { gamma: 1 }, { at: at(0) })],
      registrations: new Map([
        ['beta', { active: false, type: 'Feature' }],
        ['gamma', { active: false, pending: true, type: 'Feature' }],
      ]),
      now: at(2),
    }),
    want: {
      'default/a': 'deny:ValidationFailed[beta=feature]',
      'default/b': 'deny:ValidationFailed[gamma=feature]',
    },
  },
  'a resource type requested twice: denied with ValidationFailed': {
    input: snapshot({
      grants: [grant('g', { cpu: 9 })],
      claims: [
        {
          ...claim('a', { cpu: 1 }),
          requests: [
            { resourceType: 'cpu', amount: 1 },
            { resourceType: 'cpu', amount: 2 },
          ],
        },
      ],
    }),
    want: { 'default/a': 'deny:ValidationFailed[cpu=invalid]' },
  },
  'inactive grants count for nothing': {
    input: snapshot({
      grants: [grant('g', { cpu: 9 }, { active: false })],
      claims: [claim('a', { cpu: 1 })],
    }),
    want: { 'default/a': 'deny:QuotaExceeded[cpu=insufficient]' },
  },
  'over-commit: after the grant shrank, new claims are denied and nothing is revoked': {
    input: snapshot({
      grants: [grant('g', { cpu: 2 })],
      claims: [
        claim('old', { cpu: 4 }, { at: at(1), allocations: [granted('cpu', 4)] }),
        claim('new', { cpu: 1 }, { at: at(2) }),
      ],
    }),
    want: { 'default/new': 'deny:QuotaExceeded[cpu=insufficient]' },
  },
  'a zero amount always fits': {
    input: snapshot({ claims: [claim('a', { cpu: 0 })] }),
    want: { 'default/a': 'grant[cpu=0]' },
  },
  'no grant and no start-up wait: denied at once': {
    input: snapshot({ claims: [claim('a', { projects: 1 })] }),
    want: { 'default/a': 'deny:QuotaExceeded[projects=insufficient]' },
  },
  'start-up race: no grant yet but a policy will make one, so the claim waits 10 s from its creation': {
    input: snapshot({ claims: [claim('a', { projects: 1 }, { at: at(0) })], now: at(3), startupWait: {} }),
    want: { 'default/a': 'wait:awaiting-grants@10' },
  },
  'start-up race: the wait is bounded, then the claim is denied': {
    input: snapshot({ claims: [claim('a', { projects: 1 }, { at: at(0) })], now: at(10), startupWait: {} }),
    want: { 'default/a': 'deny:QuotaExceeded[projects=insufficient]' },
  },
  'start-up race: a claim older than the decider waits from when the decider started': {
    input: snapshot({
      claims: [claim('a', { projects: 1 }, { at: at(0) })],
      now: at(62),
      decidingSince: at(60),
      startupWait: {},
    }),
    want: { 'default/a': 'wait:awaiting-grants@70' },
  },
  'start-up race: the window is configurable': {
    input: snapshot({ claims: [claim('a', { projects: 1 })], now: at(3), startupWait: { windowMs: 30_000 } }),
    want: { 'default/a': 'wait:awaiting-grants@30' },
  },
  'start-up race: only for resource types the policy grants': {
    input: snapshot({ claims: [claim('a', { projects: 1 })], startupWait: { resourceTypes: ['other'] } }),
    want: { 'default/a': 'deny:QuotaExceeded[projects=insufficient]' },
  },
  'start-up race: a full bucket with an Active grant is a real denial, not a wait': {
    input: snapshot({
      grants: [grant('g', { projects: 1 })],
      claims: [claim('a', { projects: 2 })],
      startupWait: {},
    }),
    want: { 'default/a': 'deny:QuotaExceeded[projects=insufficient]' },
  },
  'start-up race: once the grant is there the claim is granted': {
    input: snapshot({
      grants: [grant('g', { projects: 1 })],
      claims: [claim('a', { projects: 1 })],
      startupWait: {},
    }),
    want: { 'default/a': 'grant[projects=1]' },
  },
  'start-up race: a later claim sharing a resource type waits behind the waiting one; others go ahead': {
    input: snapshot({
      grants: [grant('g', { cpu: 1, mem: 1 })],
      claims: [
        claim('first', { cpu: 1, projects: 1 }, { at: at(0) }),
        claim('shares-cpu', { cpu: 1 }, { at: at(1) }),
        claim('mem-only', { mem: 1 }, { at: at(2) }),
      ],
      now: at(2),
      startupWait: {},
    }),
    want: {
      'default/first': 'wait:awaiting-grants@10',
      'default/shares-cpu': 'wait:behind-waiting-claim@10',
      'default/mem-only': 'grant[mem=1]',
    },
  },
};

describe('decide', () => {
  for (const [name, { input, want }] of Object.entries(cases)) {
    it(name, () => assert.deepEqual(summarise(input), want));
  }

  it('writes Milo-compatible Granted entries naming the bucket', () => {
    const round = decide(snapshot({ grants: [grant('g', { cpu: 4 })], claims: [claim('a', { cpu: 3 })] }));
    assert.deepEqual(round.decisions, [
      {
        kind: 'grant',
        claim: { namespace: 'default', name: 'a', uid: 'uid-a' },
        allocations: [
          {
            resourceType: 'cpu',
            status: 'Granted',
            allocatedAmount: 3,
            reason: 'QuotaAvailable',
            message: 'Capacity reserved',
            allocatingBucket: bucketName(CONSUMER, 'cpu'),
          },
        ],
      },
    ]);
    assert.deepEqual(
      [
        round.figures.get('cpu')?.allocated,
        round.figures.get('cpu')?.available,
        round.figures.get('cpu')?.claimCount,
      ],
      [3, 1, 1],
    );
  });

  it('explains a denial per request with the figures at the claim’s turn and Milo’s message', () => {
    const round = decide(
      snapshot({
        grants: [grant('g', { cpu: 5, mem: 8 })],
        claims: [
          claim('first', { cpu: 3 }, { at: at(0) }),
          claim('second', { cpu: 4, mem: 1 }, { at: at(1) }),
        ],
      }),
    );
    const second = round.decisions[1];
    assert.equal(second?.kind, 'deny');
    if (second?.kind !== 'deny') return;
    assert.equal(second.reason, 'QuotaExceeded');
    assert.deepEqual(second.reasons, [
      {
        resourceType: 'cpu',
        requested: 4,
        limit: 5,
        allocated: 3,
        available: 2,
        cause: 'insufficient',
        reason: 'QuotaExceeded',
        message: 'Resource quota exceeded: requested 4, available 2',
      },
      {
        resourceType: 'mem',
        requested: 1,
        limit: 8,
        allocated: 0,
        available: 8,
        cause: 'sibling',
        reason: 'QuotaExceeded',
        message:
          "Not reserved: the claim is granted all together or not at all, and its request for 'cpu' was denied (Resource quota exceeded: requested 4, available 2)",
      },
    ]);
    assert.deepEqual(second.allocations, [
      { resourceType: 'cpu', status: 'Denied', reason: 'QuotaExceeded', message: second.reasons[0]?.message },
      { resourceType: 'mem', status: 'Denied', reason: 'QuotaExceeded', message: second.reasons[1]?.message },
    ]);
  });

  it('adds display figures after Milo’s base-unit sentence when the registration’s factor is not 1', () => {
    const registrations = new Map([
      [
        'cpu',
        {
          active: true,
          type: 'Allocation' as const,
          display: { displayUnit: 'vCPUs', unitConversionFactor: 1000 },
        },
      ],
      ['mem', { active: true, type: 'Allocation' as const }],
    ]);
    const [, second] = decide(
      snapshot({
        grants: [grant('g', { cpu: 5000, mem: 8 })],
        claims: [
          claim('first', { cpu: 3000 }, { at: at(0) }),
          claim('second', { cpu: 4000, mem: 9 }, { at: at(1) }),
        ],
        registrations,
      }),
    ).decisions;
    assert.deepEqual(second?.kind === 'deny' && second.reasons.map((r) => r.message), [
      'Resource quota exceeded: requested 4000, available 2000 (4 vCPUs requested, 2 vCPUs available)',
      'Resource quota exceeded: requested 9, available 8',
    ]);
  });

  it('uses Milo’s message for an unregistered resource type', () => {
    const [decision] = decide(
      snapshot({ claims: [claim('a', { gpu: 1 })], registrations: registered() }),
    ).decisions;
    assert.equal(
      decision?.kind === 'deny' && decision.reasons[0]?.message,
      "Resource type 'gpu' is not available for quota management. Enable quota tracking for this resource type by registering it with the quota system",
    );
  });

  it('names the Feature and the fix when a claim requests one', () => {
    const [decision] = decide(
      snapshot({
        claims: [claim('a', { beta: 1 })],
        registrations: new Map([['beta', { active: true, type: 'Feature' }]]),
      }),
    ).decisions;
    assert.equal(decision?.kind === 'deny' && decision.reason, 'ValidationFailed');
    assert.equal(
      decision?.kind === 'deny' && decision.reasons[0]?.message,
      "Resource type 'beta' is registered as a Feature: a feature is switched on by a ResourceGrant and is never claimed; remove it from the claim's requests",
    );
  });

  it('reports the waiting claim and the deadline', () => {
    const [decision] = decide(snapshot({ claims: [claim('a', { projects: 1 })], startupWait: {} })).decisions;
    assert.deepEqual(decision && { ...decision, message: undefined }, {
      kind: 'wait',
      claim: { namespace: 'default', name: 'a', uid: 'uid-a' },
      until: at(10),
      cause: 'awaiting-grants',
      resourceTypes: ['projects'],
      message: undefined,
    });
    assert.match(decision?.kind === 'wait' ? decision.message : '', /'projects'.*2024-01-01T00:00:10\.000Z/);
  });

  it('shows the over-commit in the figures and revokes nothing', () => {
    const round = decide(
      snapshot({
        grants: [grant('g', { cpu: 2 })],
        claims: [claim('old', { cpu: 4 }, { allocations: [granted('cpu', 4)] })],
      }),
    );
    const cpu = round.figures.get('cpu');
    assert.deepEqual(
      [cpu?.limit, cpu?.allocated, cpu?.available, cpu?.overCommitted, cpu?.overCommittedBy],
      [2, 4, 0, true, 2],
    );
    assert.deepEqual(round.decisions, []);
  });

  const badInputs: Record<string, { input: ConsumerSnapshot; field: string }> = {
    'fractional request amount': {
      input: snapshot({ claims: [claim('a', { cpu: 1.5 })] }),
      field: 'claims[default/a].requests[0].amount',
    },
    'grant amount above 2^53-1': {
      input: snapshot({ grants: [grant('g', { cpu: 2 ** 53 })] }),
      field: 'grants[quota-system/g].allowances[0].amount',
    },
    'creation time not a number': {
      input: snapshot({ claims: [claim('a', { cpu: 1 }, { at: Number.NaN })] }),
      field: 'claims[default/a].creationTimestamp',
    },
    'the same claim twice': {
      input: snapshot({ claims: [claim('a', { cpu: 1 }), claim('a', { cpu: 1 })] }),
      field: 'claims[default/a]',
    },
    'malformed consumer key': { input: { ...snapshot({}), consumerKey: 'acme' }, field: 'consumerKey' },
  };
  for (const [name, { input, field }] of Object.entries(badInputs)) {
    it(`refuses a snapshot with a ${name}`, () => {
      assert.throws(
        () => decide(input),
        (e: unknown) => e instanceof QuotaInputError && e.field === field,
      );
    });
  }
});

describe('decide (edge cases)', () => {
  it('waits with a readable message even when the configured window is enormous', () => {
    const input = snapshot({
      claims: [claim('a', { projects: 1 })],
      startupWait: { windowMs: Number.MAX_SAFE_INTEGER },
    });
    const [decision] = decide(input).decisions;
    assert.equal(decision?.kind, 'wait');
    assert.match(decision?.kind === 'wait' ? decision.message : '', /ms since the epoch/);
  });
});

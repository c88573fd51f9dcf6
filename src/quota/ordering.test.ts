// The engine's order is a parameter: another comparator changes which claims are granted, and a waiting claim
// holds later ones back only when the ordering says so (StrictFIFO) — nothing else in the engine changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from './decide.ts';
import { FCFS, PRIORITY_THEN_FCFS } from './ordering.ts';
import { at, claim, grant, snapshot } from './test-builders.ts';
import type { ClaimInput, ConsumerSnapshot, Ordering } from './types.ts';

/** What each claim got, in the order of the round. */
const outcome = (s: ConsumerSnapshot) =>
  decide(s).decisions.map((d) => `${d.claim.name}:${d.kind}${d.kind === 'wait' ? `(${d.cause})` : ''}`);

const withPriority = (c: ClaimInput, priority: number): ClaimInput => ({ ...c, priority });

describe('ordering as a parameter', () => {
  // Two projects left; three claims, the latest with the highest priority.
  const claims = [
    claim('early', { projects: 1 }, { at: at(1) }),
    withPriority(claim('middle', { projects: 1 }, { at: at(2) }), 5),
    withPriority(claim('late', { projects: 1 }, { at: at(3) }), 10),
  ];
  const base = snapshot({ grants: [grant('g', { projects: 2 })], claims });

  const cases: { name: string; ordering: Ordering | undefined; want: string[] }[] = [
    { name: 'default (FCFS)', ordering: undefined, want: ['early:grant', 'middle:grant', 'late:deny'] },
    { name: 'FCFS given explicitly', ordering: FCFS, want: ['early:grant', 'middle:grant', 'late:deny'] },
    {
      name: 'priority, then FCFS',
      ordering: PRIORITY_THEN_FCFS,
      want: ['late:grant', 'middle:grant', 'early:deny'],
    },
    {
      name: 'a comparator of the caller’s own (latest first)',
      ordering: { compare: (a, b) => b.creationTimestamp - a.creationTimestamp, waitingHoldsLaterBack: true },
      want: ['late:grant', 'middle:grant', 'early:deny'],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: decides ${c.want.join(', ')}`, () => {
      const input = c.ordering === undefined ? base : { ...base, ordering: c.ordering };
      assert.deepEqual(outcome(input), c.want);
    });
  }

  // `first` waits for a registration of `gpus` still being evaluated; `second` asks only for projects, which
  // `first` also requests.
  const waiting = snapshot({
    grants: [grant('g', { projects: 1 })],
    claims: [
      claim('first', { projects: 1, gpus: 1 }, { at: at(1) }),
      claim('second', { projects: 1 }, { at: at(2) }),
    ],
    registrations: new Map([
      ['projects', { active: true, type: 'Entity' as const }],
      ['gpus', { active: false, pending: true, type: 'Allocation' as const }],
    ]),
    now: at(3),
  });

  it('StrictFIFO (the default): a waiting claim holds a later one back on what it requests', () => {
    assert.deepEqual(outcome(waiting), [
      'first:wait(awaiting-registration)',
      'second:wait(behind-waiting-claim)',
    ]);
  });

  it('BestEffortFIFO: a later claim that fits is granted past the waiting one', () => {
    const bestEffort: Ordering = { ...FCFS, waitingHoldsLaterBack: false };
    assert.deepEqual(outcome({ ...waiting, ordering: bestEffort }), [
      'first:wait(awaiting-registration)',
      'second:grant',
    ]);
  });
});

// Properties of a decision round over arbitrary grants and claims, including multi-request claims and
// allocations left by earlier (possibly non-atomic) writers.
//
// FCFS, precisely: live claims with open requests are decided one at a time in (creationTimestamp, name,
// namespace, uid) order. At its turn a claim sees `limit - allocated`, where allocated is what claims held at
// the start of the round, minus what earlier claims of the round released (by being denied), plus what
// earlier claims were granted. It is granted iff every open request fits there; a later claim can never take
// capacity that an earlier one could have used, and no claim is granted or quota-denied on a resourceType
// that an earlier claim is still waiting for (start-up race). Denials are final, so a denied claim does not
// block later ones (no head-of-line blocking).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyDecisions } from './apply.ts';
import { decide } from './decide.ts';
import type { Decision } from './decision.ts';
import { computeFigures } from './figures.ts';
import { SettledBook, settledShare } from './settled.ts';
import { snapshotArb } from './test-arbitraries.ts';
import type { AllocationInput, ClaimInput, ConsumerSnapshot } from './types.ts';
import { claimKey, DEFAULT_STARTUP_WAIT_MS } from './types.ts';

const RUNS = { numRuns: 500 };

const isFinal = (a: AllocationInput | undefined) => a?.status === 'Granted' || a?.status === 'Denied';
const allocationOf = (claim: ClaimInput, type: string) =>
  claim.allocations.find((a) => a.resourceType === type);
const openTypes = (claim: ClaimInput) =>
  [...new Set(claim.requests.map((r) => r.resourceType))].filter((t) => !isFinal(allocationOf(claim, t)));
const hasDenied = (claim: ClaimInput) =>
  claim.requests.some((r) => allocationOf(claim, r.resourceType)?.status === 'Denied');

function order(a: ClaimInput, b: ClaimInput): number {
  if (a.creationTimestamp !== b.creationTimestamp) return a.creationTimestamp - b.creationTimestamp;
  for (const key of ['name', 'namespace', 'uid'] as const)
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  return 0;
}

function check(name: string, property: (input: ConsumerSnapshot) => void): void {
  it(name, () => fc.assert(fc.property(snapshotArb, property), RUNS));
}

describe('decide (properties)', () => {
  check('never makes allocated exceed limit where it did not already, nor grows an over-commit', (input) => {
    const round = decide(input);
    const before = computeFigures(input);
    const after = computeFigures({
      grants: input.grants,
      claims: applyDecisions(input.claims, round.decisions),
    });
    assert.deepEqual(round.figures, after);
    for (const [type, figures] of after) {
      const old = before.get(type);
      if (old === undefined || old.allocated <= old.limit)
        assert.ok(figures.allocated <= figures.limit, type);
      else assert.ok(figures.allocated <= old.allocated, type);
    }
  });

  check(
    'decides every live claim with open requests once; each ends all-Granted, denied or untouched',
    (input) => {
      const round = decide(input);
      const byKey = new Map(round.decisions.map((d) => [claimKey(d.claim), d]));
      assert.equal(byKey.size, round.decisions.length);
      const applied = new Map(applyDecisions(input.claims, round.decisions).map((c) => [claimKey(c), c]));
      for (const claim of input.claims) {
        const decision = byKey.get(claimKey(claim));
        const live = claim.deleting !== true && openTypes(claim).length > 0;
        assert.equal(decision !== undefined, live, claimKey(claim));
        const after = applied.get(claimKey(claim));
        assert.ok(after);
        // Decided is final: every entry that was final is unchanged.
        for (const a of claim.allocations)
          if (isFinal(a)) assert.deepEqual(allocationOf(after, a.resourceType), a);
        if (decision === undefined || decision.kind === 'wait') {
          assert.deepEqual(after, claim);
          continue;
        }
        assert.deepEqual(openTypes(after), []);
        const statuses = new Set(after.requests.map((r) => allocationOf(after, r.resourceType)?.status));
        if (decision.kind === 'grant') assert.deepEqual([...statuses], ['Granted']);
        else assert.ok(statuses.has('Denied'));
      }
    },
  );

  check('is FCFS: each claim is decided against exactly what earlier claims left', (input) => {
    const round = decide(input);
    const start = computeFigures(input);
    const limit = (t: string) => start.get(t)?.limit ?? 0;
    const grants = (t: string) => start.get(t)?.grantCount ?? 0;
    const allocated = new Map([...start].map(([t, f]) => [t, f.allocated]));
    const used = (t: string) => allocated.get(t) ?? 0;
    const waiting = new Set<string>();
    const live = input.claims.filter((c) => c.deleting !== true && openTypes(c).length > 0).sort(order);
    assert.deepEqual(
      round.decisions.map((d) => claimKey(d.claim)),
      live.map(claimKey),
    );

    live.forEach((claim, i) => {
      const decision = round.decisions[i] as Decision;
      const open = openTypes(claim);
      const amount = (t: string) => claim.requests.find((r) => r.resourceType === t)?.amount ?? 0;
      const fits = (t: string) => amount(t) <= Math.max(0, limit(t) - used(t));
      const blocked = open.some((t) => waiting.has(t));
      const holds = !hasDenied(claim);
      if (decision.kind === 'wait') {
        const startup = input.startupWait;
        if (decision.cause === 'behind-waiting-claim') assert.ok(blocked);
        else {
          assert.ok(startup !== undefined && !blocked);
          assert.ok(input.now < claim.creationTimestamp + (startup.windowMs ?? DEFAULT_STARTUP_WAIT_MS));
          assert.ok(open.some((t) => !fits(t) && grants(t) === 0));
        }
        for (const t of open) waiting.add(t);
        return;
      }
      if (decision.kind === 'grant') {
        assert.ok(!blocked && holds);
        assert.deepEqual(decision.allocations.map((a) => a.resourceType).sort(), [...open].sort());
        for (const t of open) assert.ok(fits(t), `${claimKey(claim)} ${t}`);
        for (const t of open) allocated.set(t, used(t) + amount(t));
        return;
      }
      assert.deepEqual(decision.reasons.map((r) => r.resourceType).sort(), [...open].sort());
      for (const r of decision.reasons) {
        assert.deepEqual(
          [r.limit, r.allocated, r.requested],
          [limit(r.resourceType), used(r.resourceType), amount(r.resourceType)],
        );
        assert.equal(
          r.cause === 'insufficient',
          !fits(r.resourceType) && decision.reason === 'QuotaExceeded' && holds,
        );
      }
      if (decision.reason === 'ValidationFailed' && holds) {
        assert.ok(
          open.some((t) => !input.registrations.get(t)?.active),
          'validation denials name a real problem',
        );
      }
      // A claim an older writer already denied is only completed; it takes nothing, so waits do not apply.
      if (decision.reason === 'QuotaExceeded' && holds) {
        assert.ok(!blocked, 'no quota denial on a resourceType an earlier claim waits for');
        assert.ok(
          open.some((t) => !fits(t)),
          'a claim that fits is never denied for quota',
        );
      }
      if (holds) {
        for (const r of claim.requests) {
          const a = allocationOf(claim, r.resourceType);
          if (a?.status === 'Granted')
            allocated.set(
              r.resourceType,
              Math.max(0, used(r.resourceType) - (a.allocatedAmount ?? r.amount)),
            );
        }
      }
    });
  });

  check('is idempotent: deciding again after applying the decisions decides nothing new', (input) => {
    const first = decide(input);
    const claims = applyDecisions(input.claims, first.decisions);
    const second = decide({ ...input, claims });
    assert.deepEqual(
      second.decisions,
      first.decisions.filter((d) => d.kind === 'wait'),
    );
    assert.deepEqual(second.figures, first.figures);
  });

  check('decides the same with settled claims summed in a SettledBook instead of listed', (input) => {
    const book = new SettledBook();
    const listed = input.claims.filter((claim) => {
      const share = settledShare(claim);
      if (share !== undefined) book.add(share);
      return share === undefined;
    });
    const split = decide({ ...input, claims: listed, settled: book.totals() });
    const whole = decide(input);
    assert.deepEqual(split.decisions, whole.decisions);
    assert.deepEqual(split.figures, whole.figures);
    // taking every claim out again leaves nothing behind
    for (const claim of input.claims) {
      const share = settledShare(claim);
      if (share !== undefined) book.remove(share);
    }
    assert.equal(book.size, 0);
    assert.equal(book.totals().size, 0);
  });
});

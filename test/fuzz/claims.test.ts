// Bad claims never crash the API validators or the quota engine: every problem comes back as a field error
// (path + message) or, inside the engine, as a QuotaInputError naming the field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type FieldError,
  type ResourceClaim,
  validateResourceClaim,
  validateResourceClaimUpdate,
} from '../../src/api/index.ts';
import { makeClaim } from '../../src/api/testing.ts';
import { type ConsumerSnapshot, decide, QuotaInputError } from '../../src/quota/index.ts';
import { snapshotArb } from '../../src/quota/test-arbitraries.ts';
import { isFieldPath, mutated, typedMutated } from './mutate.ts';

const RUNS = { numRuns: 1000 };

function assertFieldErrors(errors: unknown): asserts errors is FieldError[] {
  assert.ok(Array.isArray(errors), 'validators return an array');
  for (const e of errors as FieldError[]) {
    assert.ok(isFieldPath(e.path), `field path ${JSON.stringify(e.path)}: ${e.message}`);
    assert.ok(e.message.trim().length > 0, `a message for ${e.path}`);
  }
}

describe('fuzz: claims through the API validators', () => {
  const good = makeClaim([
    { resourceType: 'resourcemanager.miloapis.com/projects', amount: 1 },
    { resourceType: 'compute.miloapis.com/cpus', amount: 4 },
  ]);

  it('returns field errors, never throws, for schema-shaped bad claims (create and update)', () => {
    assert.deepEqual(validateResourceClaim(good), []);
    fc.assert(
      fc.property(typedMutated(good), (bad) => {
        assertFieldErrors(validateResourceClaim(bad));
        assertFieldErrors(validateResourceClaimUpdate(good, bad));
      }),
      RUNS,
    );
  });

  // What only a bypassed schema could deliver (a hand-made AdmissionReview, a direct call): still field errors.
  // (This caught TypeErrors on e.g. spec.requests: [null]; fixed in src/api by 704a6aa.)
  it('returns field errors, never throws, for claims of any JSON shape', () => {
    fc.assert(
      fc.property(mutated(good), (bad) => {
        assertFieldErrors(validateResourceClaim(bad));
        assertFieldErrors(validateResourceClaimUpdate(good, bad));
      }),
      RUNS,
    );
  });

  it('names the request and field of a bad amount or a repeated type', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: 0 }), fc.constantFrom(1.5, 2 ** 53, Number.NaN, -0.5)),
        fc.nat({ max: 1 }),
        (amount, index) => {
          const bad = structuredClone(good);
          (bad.spec.requests[index] as { amount: number }).amount = amount;
          const errors = validateResourceClaim(bad);
          assert.ok(
            errors.some((e) => e.path === `spec.requests[${index}].amount`),
            `${amount} at ${index}: ${JSON.stringify(errors)}`,
          );
        },
      ),
      RUNS,
    );
    const twice: ResourceClaim = structuredClone(good);
    (twice.spec.requests[1] as { resourceType: string }).resourceType =
      'resourcemanager.miloapis.com/projects';
    assert.ok(
      validateResourceClaim(twice).some(
        (e) => e.path === 'spec.requests[1].resourceType' && e.type === 'Duplicate',
      ),
    );
  });
});

describe('fuzz: the quota engine refuses bad snapshots with the field', () => {
  const BAD_NUMBERS = [Number.NaN, Number.POSITIVE_INFINITY, -1, 1.5, 2 ** 53, 1e300];

  /** Overwrites one number the engine reads (a request, allocation or grant amount, a time). */
  const corrupted: fc.Arbitrary<{ snapshot: ConsumerSnapshot; where: string }> = fc
    .tuple(
      snapshotArb,
      fc.constantFrom(...BAD_NUMBERS),
      fc.nat(),
      fc.constantFrom('request', 'grant', 'time', 'now'),
    )
    .map(([snapshot, bad, pick, what]) => {
      const s = structuredClone(snapshot) as {
        -readonly [K in keyof ConsumerSnapshot]: ConsumerSnapshot[K];
      } & {
        claims: { requests: { amount: number }[]; creationTimestamp: number }[];
        grants: { allowances: { amount: number }[] }[];
        now: number;
      };
      // Times are epoch milliseconds: any finite number is one, only NaN and ±Infinity are refused.
      if (what === 'now' && !Number.isFinite(bad)) {
        s.now = bad;
        return { snapshot: s as ConsumerSnapshot, where: 'now' };
      }
      if (what === 'grant' && s.grants.length > 0) {
        const grant = s.grants[pick % s.grants.length];
        const allowance = grant?.allowances[0];
        if (allowance) {
          allowance.amount = bad;
          return { snapshot: s as ConsumerSnapshot, where: 'grants[' };
        }
      }
      const claim = s.claims[pick % Math.max(1, s.claims.length)];
      if (claim && what === 'time' && !Number.isFinite(bad)) {
        claim.creationTimestamp = bad;
        return { snapshot: s as ConsumerSnapshot, where: 'creationTimestamp' };
      }
      const request = claim?.requests[0];
      if (request) {
        request.amount = bad;
        return { snapshot: s as ConsumerSnapshot, where: 'requests[0].amount' };
      }
      s.now = Number.NaN;
      return { snapshot: s as ConsumerSnapshot, where: 'now' };
    });

  it('throws QuotaInputError naming the corrupted field, and nothing else', () => {
    fc.assert(
      fc.property(corrupted, ({ snapshot, where }) => {
        try {
          decide(snapshot);
        } catch (error) {
          assert.ok(error instanceof QuotaInputError, `not a QuotaInputError: ${String(error)}`);
          assert.ok(error.field.includes(where), `field ${error.field} should name ${where}`);
          assert.ok(error.message.startsWith(`${error.field}: `));
          return;
        }
        assert.fail(`decide accepted a snapshot with a bad number at ${where}`);
      }),
      RUNS,
    );
  });

  it('refuses a malformed consumer key or a claim given twice', () => {
    fc.assert(
      fc.property(snapshotArb, fc.string({ maxLength: 20 }), (snapshot, key) => {
        const bad = { ...snapshot, consumerKey: key.includes('/') ? `${key}\u0000` : key };
        assert.throws(() => decide(bad), QuotaInputError);
        const first = snapshot.claims[0];
        if (first) {
          assert.throws(
            () => decide({ ...snapshot, claims: [...snapshot.claims, first] }),
            (e: unknown) => e instanceof QuotaInputError && e.field.startsWith('claims['),
          );
        }
      }),
      RUNS,
    );
  });
});

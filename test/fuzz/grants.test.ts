// Bad grants and registrations never crash the API validators: every problem is a field error with a path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type FieldError,
  validateResourceGrant,
  validateResourceGrantUpdate,
  validateResourceRegistration,
  validateResourceRegistrationUpdate,
} from '../../src/api/index.ts';
import { makeGrant, makeRegistration } from '../../src/api/testing.ts';
import { isFieldPath, mutated, typedMutated } from './mutate.ts';

const RUNS = { numRuns: 1000 };

function assertFieldErrors(errors: readonly FieldError[]): void {
  assert.ok(Array.isArray(errors), 'validators return an array');
  for (const e of errors) {
    assert.ok(isFieldPath(e.path), `field path ${JSON.stringify(e.path)}: ${e.message}`);
    assert.ok(e.message.trim().length > 0, `a message for ${e.path}`);
  }
}

const grant = makeGrant(10);
grant.spec.allowances.push({
  resourceType: 'compute.miloapis.com/cpus',
  buckets: [{ amount: 4 }, { amount: 8 }],
});
const registration = makeRegistration();

const checkGrant = (bad: typeof grant) => {
  assertFieldErrors(validateResourceGrant(bad));
  assertFieldErrors(validateResourceGrantUpdate(grant, bad));
};
const checkRegistration = (bad: typeof registration) => {
  assertFieldErrors(validateResourceRegistration(bad));
  assertFieldErrors(validateResourceRegistrationUpdate(registration, bad));
};

describe('fuzz: grants and registrations through the API validators', () => {
  it('schema-shaped bad grants and registrations give field errors, never a throw', () => {
    assert.deepEqual(validateResourceGrant(grant), []);
    assert.deepEqual(validateResourceRegistration(registration), []);
    fc.assert(fc.property(typedMutated(grant), checkGrant), RUNS);
    fc.assert(fc.property(typedMutated(registration), checkRegistration), RUNS);
  });

  it('names the bucket of a bad amount', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ max: -1 }), fc.constantFrom(1.5, 2 ** 53)),
        fc.nat({ max: 1 }),
        (amount, i) => {
          const bad = structuredClone(grant);
          const bucket = bad.spec.allowances[1]?.buckets[i];
          if (bucket) bucket.amount = amount;
          const errors = validateResourceGrant(bad);
          assert.ok(
            errors.some((e) => e.path.startsWith(`spec.allowances[1].buckets[${i}].amount`)),
            JSON.stringify(errors),
          );
        },
      ),
      RUNS,
    );
  });

  // What only a bypassed schema could deliver: still field errors. (This caught TypeErrors on e.g.
  // allowances[0].buckets: 5 and spec.claimingResources: 0; fixed in src/api by 704a6aa and cc3018e.)
  it('grants and registrations of any JSON shape give field errors, never a throw', () => {
    fc.assert(fc.property(mutated(grant), checkGrant), RUNS);
    fc.assert(fc.property(mutated(registration), checkRegistration), RUNS);
  });
});

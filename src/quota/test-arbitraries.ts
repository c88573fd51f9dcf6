// fast-check arbitraries for the engine's property tests: small resource-type alphabets and amounts so that
// claims really compete, with every shape of pre-existing allocation (open, Pending, Granted, Denied).
import fc from 'fast-check';
import { at, CONSUMER, registered } from './test-builders.ts';
import type { AllocationInput, ClaimInput, ConsumerSnapshot, GrantInput, RequestInput } from './types.ts';

export const TYPES = ['a', 'b', 'c'] as const;

// 'x' has no registration; it is rare so that most claims reach the capacity check.
const types = fc.uniqueArray(
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...TYPES) }, { weight: 1, arbitrary: fc.constant('x') }),
  { minLength: 1, maxLength: 3 },
);

export const grantArb: fc.Arbitrary<GrantInput> = fc.record({
  namespace: fc.constant('quota-system'),
  name: fc.string({ minLength: 1, maxLength: 3 }),
  active: fc.boolean(),
  allowances: fc.array(fc.record({ resourceType: fc.constantFrom(...TYPES), amount: fc.nat({ max: 10 }) }), {
    maxLength: 3,
  }),
});

/** An allocation an earlier writer may have left for a request: none, Pending, Granted or Denied. */
function allocationArb(request: RequestInput): fc.Arbitrary<AllocationInput | undefined> {
  const { resourceType } = request;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant<AllocationInput>({ resourceType, status: 'Pending' }) },
    {
      weight: 2,
      arbitrary: fc.constant<AllocationInput>({
        resourceType,
        status: 'Granted',
        allocatedAmount: request.amount,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constant<AllocationInput>({ resourceType, status: 'Denied', reason: 'QuotaExceeded' }),
    },
  );
}

export function claimArb(name: string, options: { decided?: boolean } = {}): fc.Arbitrary<ClaimInput> {
  return fc
    .record({
      requests: types.chain((list) =>
        fc.tuple(
          ...list.map((resourceType) => fc.nat({ max: 6 }).map((amount) => ({ resourceType, amount }))),
        ),
      ),
      seconds: fc.nat({ max: 5 }),
      namespace: fc.constantFrom('default', 'other'),
      deleting: fc.nat({ max: 9 }).map((n) => n === 0),
    })
    .chain(({ requests, seconds, namespace, deleting }) =>
      (options.decided === false
        ? fc.constant(requests.map(() => undefined))
        : fc.tuple(...requests.map(allocationArb))
      ).map(
        (allocations): ClaimInput => ({
          namespace,
          name,
          uid: `uid-${name}`,
          creationTimestamp: at(seconds),
          requests,
          allocations: allocations.filter((a) => a !== undefined),
          ...(deleting ? { deleting } : {}),
        }),
      ),
    );
}

export const snapshotArb: fc.Arbitrary<ConsumerSnapshot> = fc
  .record({
    grants: fc.array(grantArb, { maxLength: 4 }),
    claimCount: fc.nat({ max: 8 }),
    startup: fc.option(fc.record({ windowMs: fc.constantFrom(0, 2_000, 10_000) }), { nil: undefined }),
    now: fc.nat({ max: 12 }).map(at),
  })
  .chain(({ grants, claimCount, startup, now }) =>
    fc.tuple(...Array.from({ length: claimCount }, (_, i) => claimArb(`c${i}`))).map(
      (claims): ConsumerSnapshot => ({
        consumerKey: CONSUMER,
        registrations: registered(...TYPES),
        grants,
        claims,
        now,
        ...(startup === undefined ? {} : { startupWait: startup }),
      }),
    ),
  );

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clone, makeRegistration } from '../testing.ts';
import { registrationLookup, validateRegistrationUnique } from './registrations.ts';
import { validateResourceRegistration, validateResourceRegistrationUpdate } from './resource-registration.ts';

const paths = (errors: readonly { path: string }[]) => errors.map((e) => e.path);

describe('validateResourceRegistration', () => {
  it('accepts a valid registration', () => {
    assert.deepEqual(validateResourceRegistration(makeRegistration()), []);
  });

  it("rejects duplicate claimingResources with Milo's message", () => {
    const reg = makeRegistration();
    reg.spec.claimingResources = [
      { apiGroup: 'apps', kind: 'Deployment' },
      { apiGroup: 'apps', kind: 'StatefulSet' },
      { apiGroup: 'apps', kind: 'Deployment' },
    ];
    const errors = validateResourceRegistration(reg);
    assert.deepEqual(paths(errors), ['spec.claimingResources[2]']);
    assert.match(
      errors[0]?.message ?? '',
      /duplicate claiming resource 'apps\/Deployment' \(first occurrence at index 0\)/,
    );
    assert.equal(errors[0]?.type, 'Duplicate');
  });

  it('reports schema problems with field paths', () => {
    const reg = clone(makeRegistration()) as unknown as { spec: Record<string, unknown> };
    reg.spec.type = 'InvalidType';
    reg.spec.unitConversionFactor = 0;
    delete reg.spec.resourceType;
    reg.spec.claimingResources = Array.from({ length: 21 }, (_, i) => ({ kind: `K${i}` }));
    const errors = validateResourceRegistration(reg as never);
    assert.deepEqual(paths(errors).sort(), [
      'spec.claimingResources',
      'spec.resourceType',
      'spec.type',
      'spec.unitConversionFactor',
    ]);
  });

  it('judges condition reasons: an unknown one names the allowed, one of the wrong type is a schema error', () => {
    const reg = makeRegistration();
    const condition = {
      type: 'Active',
      status: 'True' as const,
      reason: 'Bogus',
      message: 'ok',
      lastTransitionTime: '2024-01-01T00:00:00Z',
    };
    reg.status = { conditions: [condition] };
    const [unknown] = validateResourceRegistration(reg);
    assert.equal(unknown?.path, 'status.conditions[0].reason');
    assert.match(unknown?.message ?? '', /one of RegistrationActive, .*got Bogus/);
    // found by test/fuzz/grants.test.ts: String() of this object throws
    const reason: unknown = { toString: 0 };
    reg.status = { conditions: [{ ...condition, reason: reason as string }] };
    assert.deepEqual(validateResourceRegistration(reg), [
      { type: 'Invalid', path: 'status.conditions[0].reason', message: 'must be a string, got object' },
    ]);
  });

  it('checks immutability and duplicates on update too (Milo checked duplicates on create only)', () => {
    const old = makeRegistration();
    const next = clone(old);
    next.spec.resourceType = 'other';
    next.spec.consumerType = { apiGroup: 'iam.miloapis.com', kind: 'User' };
    next.spec.type = 'Allocation';
    next.spec.claimingResources.push({ ...next.spec.claimingResources[0], kind: 'Project' });
    const errors = validateResourceRegistrationUpdate(old, next);
    assert.deepEqual(paths(errors), [
      'spec.claimingResources[1]',
      'spec.resourceType',
      'spec.consumerType',
      'spec.type',
    ]);
    assert.match(errors[1]?.message ?? '', /^spec\.resourceType is immutable/);
  });

  it('allows the mutable fields to change', () => {
    const old = makeRegistration();
    const next = clone(old);
    Object.assign(next.spec, {
      description: 'd',
      baseUnit: 'thing',
      displayUnit: 'things',
      unitConversionFactor: 1000,
    });
    next.spec.claimingResources = [{ kind: 'TestItem' }, { kind: 'AnotherTestItem' }];
    assert.deepEqual(validateResourceRegistrationUpdate(old, next), []);
  });
});

describe('registration uniqueness (API state)', () => {
  const first = makeRegistration('first');
  const second = {
    ...makeRegistration('second'),
    metadata: { name: 'second', creationTimestamp: '2024-02-01T00:00:00Z' },
  };

  it('rejects any existing duplicate on create, naming it', () => {
    const errors = validateRegistrationUnique(second, [first], 'create');
    assert.match(errors[0]?.message ?? '', /already registered by ResourceRegistration 'first'/);
    assert.deepEqual(validateRegistrationUnique(makeRegistration('x', 'other'), [first], 'create'), []);
  });

  it('keeps the older of two existing duplicates', () => {
    assert.deepEqual(validateRegistrationUnique(first, [first, second], 'existing'), []);
    assert.equal(validateRegistrationUnique(second, [first, second], 'existing').length, 1);
  });

  it('looks up the oldest registration of a type', () => {
    assert.equal(registrationLookup([second, first]).get(first.spec.resourceType)?.metadata.name, 'first');
    assert.equal(registrationLookup([]).get('x'), undefined);
  });
});

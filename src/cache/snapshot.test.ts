import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRegistration } from '../api/testing.ts';
import { registrationInputs } from './snapshot.ts';

describe('registrationInputs', () => {
  it('carries display units from the cached registration only when its factor is not 1', () => {
    const projects = makeRegistration('projects', 'example.com/projects');
    const cpus = makeRegistration('vcpus', 'example.com/vcpus');
    cpus.spec = { ...cpus.spec, baseUnit: 'millicore', displayUnit: 'vCPUs', unitConversionFactor: 1000 };
    const inputs = registrationInputs([projects, cpus]);
    assert.deepEqual(inputs.get('example.com/vcpus'), {
      active: true,
      pending: false,
      type: 'Entity',
      display: { displayUnit: 'vCPUs', unitConversionFactor: 1000 },
    });
    assert.deepEqual(inputs.get('example.com/projects'), { active: true, pending: false, type: 'Entity' });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeApiError, type QuotaApi } from '../../client/index.ts';
import { readRegistrations, shown } from './registrations.ts';
import { registration } from './testing.ts';

const VCPUS = registration('compute.example.com/vcpus', {
  baseUnit: 'millicores',
  displayUnit: 'vCPUs',
  unitConversionFactor: 1000,
});

/** A QuotaApi whose listRegistrations fails with `failures` in turn, then answers. */
function api(failures: unknown[]): QuotaApi & { calls: number } {
  const fake = {
    calls: 0,
    server: 'https://test',
    listRegistrations: async () => {
      fake.calls += 1;
      const failure = failures.shift();
      if (failure !== undefined) throw failure;
      return [VCPUS];
    },
  };
  return fake as unknown as QuotaApi & { calls: number };
}

const apiError = (code: number, reason: string) =>
  new KubeApiError(code, reason, `list resourceregistrations failed: ${code} ${reason}: x: retry`);

function output() {
  const out = {
    text: '',
    write(s: string) {
      out.text += s;
    },
  };
  return out;
}

describe('readRegistrations', () => {
  it('maps registrations by resourceType', async () => {
    const stderr = output();
    const found = await readRegistrations(api([]), stderr);
    assert.equal(found.get('compute.example.com/vcpus'), VCPUS);
    assert.equal(stderr.text, '');
  });

  it('retries while the apiserver initializes the CRD storage (429), silently', async () => {
    const stderr = output();
    const fake = api([apiError(429, 'TooManyRequests'), apiError(429, 'TooManyRequests')]);
    assert.equal((await readRegistrations(fake, stderr)).size, 1);
    assert.equal(fake.calls, 3);
    assert.equal(stderr.text, '');
  });

  it('goes on in base units with a note when it may not list them, or they keep failing', async () => {
    const denied = output();
    assert.equal((await readRegistrations(api([apiError(403, 'Forbidden')]), denied)).size, 0);
    assert.equal(
      denied.text,
      'Note: you may not list resourceregistrations, so figures are in base units and features are shown as quantities.\n',
    );
    const failing = output();
    const fake = api(Array.from({ length: 9 }, () => apiError(503, 'ServiceUnavailable')));
    assert.equal((await readRegistrations(fake, failing)).size, 0);
    assert.equal(fake.calls, 5);
    assert.match(
      failing.text,
      /^Note: resourceregistrations could not be read \(list resourceregistrations failed: 503/,
    );
  });
});

describe('shown', () => {
  it('uses display units when the registration is known, the bare base figure otherwise', () => {
    assert.equal(shown(48000, { displayUnit: 'vCPUs', unitConversionFactor: 1000 }), '48 vCPUs');
    assert.equal(shown(48000, undefined), '48000');
    assert.equal(shown(undefined, undefined), '-');
  });
});

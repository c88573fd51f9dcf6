// Milo's own end-to-end manifests (test/fixtures/milo-e2e, see its README) apply unchanged to our CRDs;
// the ones Milo rejects at apply time are rejected here too, by the schema and CEL rules alone.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useControlPlane } from '../../support/cluster.ts';
import { expectedError, installCrds, kubectlFails, kubectlOk, repoPath, yamlFiles } from './support.ts';

const plane = useControlPlane({ controllerManager: false });
const FIXTURES = repoPath('test/fixtures/milo-e2e');
const scenarios = readdirSync(FIXTURES)
  .filter((d) => statSync(join(FIXTURES, d)).isDirectory())
  .sort();
const subdir = (scenario: string, name: string): string[] => {
  try {
    return yamlFiles(join(FIXTURES, scenario, name));
  } catch {
    return [];
  }
};

describe("Milo's end-to-end manifests", () => {
  before(async () => {
    await installCrds(plane.current);
    await kubectlOk(plane.current, ['apply', '-f', join(FIXTURES, 'namespaces.yaml')]);
  });

  it('covers the eight scenarios of the reference', () => {
    assert.equal(scenarios.length, 8);
  });

  for (const scenario of scenarios) {
    describe(scenario, () => {
      it('applies every step unchanged, in order', async () => {
        for (const file of yamlFiles(join(FIXTURES, scenario))) {
          await kubectlOk(plane.current, ['apply', '-f', file]);
        }
      });

      for (const file of subdir(scenario, 'rejected')) {
        it(`rejects ${file.slice(FIXTURES.length + 1)}`, async () => {
          const message = await kubectlFails(plane.current, ['apply', '-f', file]);
          const expected = expectedError(file);
          assert.ok(message.includes(expected), `expected "${expected}" in:\n${message}`);
        });
      }

      for (const file of subdir(scenario, 'rejected-by-webhook')) {
        it(`leaves ${file.slice(FIXTURES.length + 1)} to the webhook (the schema accepts it)`, async () => {
          await kubectlOk(plane.current, ['apply', '--dry-run=server', '-f', file]);
        });
      }
    });
  }

  it('keeps the immutable fields of the registration the rejected updates tried to change', async () => {
    const get = (path: string) =>
      kubectlOk(plane.current, ['get', 'qreg', 'test-immutable-registration', '-o', `jsonpath={${path}}`]);
    assert.equal(await get('.spec.resourceType'), 'test.immutable.miloapis.com/original');
    assert.equal(await get('.spec.type'), 'Entity');
    assert.equal(await get('.spec.consumerType.kind'), 'Organization');
    assert.equal(await get('.spec.unitConversionFactor'), '1000');
  });
});

// Milo's admission scenarios with the operator running (reference §7.7 resource-registration-validation and
// the admission half of §7.2 quota-enforcement-edge-cases), from the unchanged manifests in
// test/fixtures/milo-e2e: what the CRD catches and what only the webhook can (a duplicate resourceType).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ClaimCreationPolicy, ResourceRegistration } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';
import { expectedError, yamlFiles } from '../api/support.ts';

const plane = useControlPlane({ controllerManager: false });
const env = useOperator(plane);
const FIXTURES = repoPath('test/fixtures/milo-e2e');
const VALIDATION = join(FIXTURES, 'resource-registration-validation');
const EDGE = join(FIXTURES, 'quota-enforcement-edge-cases');

const applyFile = (file: string) => kubectlOk(plane.current, ['apply', '-f', file]);
const waitActive = (name: string) =>
  kubectlOk(plane.current, [
    'wait',
    '--for=condition=Active',
    '--timeout=30s',
    `resourceregistration/${name}`,
  ]);

async function expectRejected(file: string): Promise<void> {
  const message = await kubectlFails(plane.current, ['apply', '-f', file]);
  const expected = expectedError(file);
  assert.ok(message.includes(expected), `${file}: expected "${expected}" in:\n${message}`);
}

describe("Milo's resource-registration-validation scenario (§7.7)", () => {
  before(async () => {
    await plane.ready;
    await kubectlOk(plane.current, ['apply', '-f', join(FIXTURES, 'namespaces.yaml')]);
  });

  it("activates a valid registration with Milo's reason and message", async () => {
    await applyFile(join(VALIDATION, '00-valid-registration.yaml'));
    await waitActive('test-valid-registration');
    const reg = await env.client.get<ResourceRegistration>(
      RESOURCES.registrations,
      '',
      'test-valid-registration',
    );
    const active = reg.status?.conditions?.find((c) => c.type === 'Active');
    assert.equal(active?.reason, 'RegistrationActive');
    assert.equal(
      active?.message,
      'The registration is active and resource grants and claims can now be created for this resource type.',
    );
  });

  it('refuses a second registration of an Active resourceType ("already registered")', async () => {
    await applyFile(join(VALIDATION, '01-first-registration.yaml'));
    await waitActive('test-first-registration');
    for (const file of yamlFiles(join(VALIDATION, 'rejected-by-webhook'))) await expectRejected(file);
  });

  it('keeps resourceType, consumerType and type immutable and the rest editable', async () => {
    await applyFile(join(VALIDATION, '02-immutable-registration.yaml'));
    await applyFile(join(VALIDATION, '03-immutable-registration-mutable-update.yaml'));
    const reg = await env.client.get<ResourceRegistration>(
      RESOURCES.registrations,
      '',
      'test-immutable-registration',
    );
    assert.equal(reg.spec.unitConversionFactor, 1000);
    assert.equal(reg.spec.baseUnit, 'thing');
    assert.equal(reg.spec.resourceType, 'test.immutable.miloapis.com/original');
    await eventually('still Active after the update', async () => {
      const r = await env.client.get<ResourceRegistration>(
        RESOURCES.registrations,
        '',
        'test-immutable-registration',
      );
      const active = r.status?.conditions?.find((c) => c.type === 'Active');
      return active?.status === 'True' && active.observedGeneration === r.metadata.generation;
    });
  });

  it('refuses every invalid manifest with the field Milo names', async () => {
    const files = yamlFiles(join(VALIDATION, 'rejected'));
    assert.equal(files.length, 8);
    for (const file of files) await expectRejected(file);
  });
});

describe("Milo's quota-enforcement-edge-cases scenario, admission steps (§7.2)", () => {
  it('refuses claims for 0 and -1, and admits the set-up manifests', async () => {
    for (const file of yamlFiles(EDGE).filter((f) => !f.endsWith('04-policy-missing-resource.yaml'))) {
      await applyFile(file);
    }
    await waitActive('edge-test-projects-per-org');
    for (const file of yamlFiles(join(EDGE, 'rejected'))) await expectRejected(file);
  });

  it('admits a ClaimCreationPolicy for a missing resource type and reports Ready=False/ValidationFailed', async () => {
    await applyFile(join(EDGE, '04-policy-missing-resource.yaml'));
    const ready = await eventually('Ready=False/ValidationFailed', async () => {
      const policy = await env.client.get<ClaimCreationPolicy>(
        RESOURCES.claimPolicies,
        '',
        'test-invalid-missing-resource-policy',
      );
      const condition = policy.status?.conditions?.find((c) => c.type === 'Ready');
      return condition?.reason === 'ValidationFailed' &&
        policy.status?.observedGeneration === policy.metadata.generation
        ? condition
        : undefined;
    });
    assert.equal(ready.status, 'False');
    assert.match(ready.message, /nonexistent\.miloapis\.com\/projects/);
  });
});

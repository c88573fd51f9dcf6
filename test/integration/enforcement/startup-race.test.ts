// The start-up race (SPEC §4.6, issue 7): an Organization and its Projects applied together are admitted once
// the Organization's policy grants exist; a Project of an Organization whose grants never come is answered with
// a retryable 504 after the webhook's wait, not the quota 403, and leaves no claim behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { organization, project } from '../../support/manifests.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);
const sample = (name: string) => repoPath('config/samples', name);

describe('the start-up race', () => {
  it('sets up the sample registrations and policies', async () => {
    for (const file of [
      'quota_v1alpha1_resourceregistration_projects.yaml',
      'quota_v1alpha1_resourceregistration_vcpus.yaml',
    ]) {
      await kubectl('apply', '-f', sample(file));
    }
    await kubectl(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistrations.quota.miloapis.com',
      '--all',
    );
    for (const file of [
      'quota_v1alpha1_grantcreationpolicy_standard.yaml',
      'quota_v1alpha1_grantcreationpolicy_personal.yaml',
      'quota_v1alpha1_claimcreationpolicy_projects.yaml',
    ]) {
      await kubectl('apply', '-f', sample(file));
    }
    await kubectl(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'grantcreationpolicies.quota.miloapis.com',
      '--all',
    );
    await kubectl(
      'wait',
      '--for=condition=Ready',
      '--timeout=60s',
      'claimcreationpolicies.quota.miloapis.com',
      '--all',
    );
    await kubectl('get', 'validatingwebhookconfiguration', 'milo-quota-enforcement');
  });

  it('admits an Organization and two Projects applied from one file', async () => {
    const manifest = [
      organization('newco'),
      project('newco-web', 'newco'),
      project('newco-api', 'newco'),
    ].join('---\n');
    const started = Date.now();
    const result = await plane.current.kubectl(['apply', '-f', '-'], { input: manifest });
    console.log(`organization + 2 projects in one apply: ${Date.now() - started} ms`);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /project.resourcemanager.miloapis.com\/newco-api created/);
  });

  it('answers 504 (retryable) when the grants never come, and leaves no claim', async () => {
    const started = Date.now();
    const result = await plane.current.kubectl(['apply', '-f', '-'], {
      input: project('ghost-web', 'ghost'),
    });
    const ms = Date.now() - started;
    assert.notEqual(result.code, 0);
    // Milo's sentence first (clients retry on it), then ours
    assert.match(
      result.stderr,
      /Your request took too long to be checked against your quota\. Please try again in a moment — if this keeps happening, contact support\. Timed out waiting for the quota decision; the create was not admitted\./,
    );
    // the Status reason (504 Timeout, not 403 Forbidden): machines tell a timeout from a denial by it
    assert.match(result.stderr, /^Error from server \(Timeout\): /m);
    assert.doesNotMatch(result.stderr, /Insufficient quota|reached your quota/);
    assert.ok(ms >= 7_000, `answered after the internal wait (${ms} ms)`);
    const claims = await kubeRequest<{ items: ResourceClaim[] }>(env.client.kubeConfig, {
      method: 'GET',
      path: resourcePath(RESOURCES.claims, 'quota-system'),
    });
    assert.deepEqual(
      claims.items.filter((c) => c.spec.resourceRef?.name === 'ghost-web').map((c) => c.metadata.name),
      [],
    );
  });
});

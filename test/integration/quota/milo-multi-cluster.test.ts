// Upstream Milo's scenarios multi-cluster-enforcement and structured-type-enforcement
// (test/fixtures/milo-upstream/<scenario>, from milo-os/milo 862dc4d), applied unchanged on one cluster with
// --parent-context=this-cluster and --bucket-placement=milo: a GrantCreationPolicy with parentContext is Ready
// and grants each Project 5 Secrets (EndpointSlices) in milo-system; a Project's control plane is a namespace
// labelled with it, where Milo's policies without consumerRef charge each object to that Project. (Without
// the flag the same policy is Ready=False/ParentContextUnsupported: test/integration/policy/status.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket, GrantCreationPolicy } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane, { bucketPlacement: 'milo', parentContext: 'this-cluster' });
const step = (file: string) => repoPath('test/fixtures/milo-upstream/multi-cluster-enforcement', file);
const admin = (...args: string[]) => kubectlOk(plane.current, args);
const apply = (file: string) => admin('apply', '-f', file);
const waitFor = (condition: string, ...target: string[]) =>
  admin('wait', `--for=condition=${condition}`, '--timeout=60s', ...target);
/** The grant a GrantCreationPolicy makes for `project`, once Active: `kubectl wait --for=condition` fails at
 * once (NotFound) on an object the policy engine has not created yet, so wait for its creation first. */
async function autoGrantActive(project: string): Promise<void> {
  const grant = ['-n', 'milo-system', `resourcegrant.quota.miloapis.com/auto-grant-${project}`];
  await admin('wait', '--for=create', '--timeout=60s', ...grant);
  await waitFor('Active', ...grant);
}
const PROJECT = 'mc-test-project-1';

/** The Project's bucket in milo-system once it shows `allocated` (upstream's asserts: limit 5). */
function bucketShows(allocated: number, project = PROJECT): Promise<AllowanceBucket> {
  return eventually(`the ${project} bucket in milo-system to show allocated ${allocated}`, async () => {
    const out = await admin(
      'get',
      'allowancebuckets.quota.miloapis.com',
      '-n',
      'milo-system',
      '-l',
      `quota.miloapis.com/consumer-kind=Project,quota.miloapis.com/consumer-name=${project}`,
      '-o',
      'json',
    );
    const [bucket, ...more] = (JSON.parse(out) as { items: AllowanceBucket[] }).items;
    assert.equal(more.length, 0, 'one bucket for the Project');
    const s = bucket?.status;
    return s?.limit === 5 && s.allocated === allocated && s.available === 5 - allocated ? bucket : undefined;
  });
}

describe('upstream scenario multi-cluster-enforcement, on one cluster with --parent-context=this-cluster', () => {
  it('makes the parentContext policy Ready, with ParentContextReady=True saying where grants go', async () => {
    await apply(step('namespaces.yaml'));
    await apply(step('01-resource-registration.yaml'));
    await waitFor('Active', 'resourceregistration.quota.miloapis.com/mc-test-secrets-per-project');
    await apply(step('02-grant-creation-policy.yaml'));
    await waitFor('Ready', 'grantcreationpolicy.quota.miloapis.com/mc-test-project-secret-grant-policy');
    const policy = await env.client.get<GrantCreationPolicy>(
      RESOURCES.grantPolicies,
      '',
      'mc-test-project-secret-grant-policy',
    );
    const parent = policy.status?.conditions?.find((c) => c.type === 'ParentContextReady');
    assert.deepEqual([parent?.status, parent?.reason], ['True', 'ParentContextReady']);
    assert.match(parent?.message ?? '', /--parent-context=this-cluster/);
  });

  it("grants the Project 5 Secrets in milo-system and pre-creates its bucket (upstream's verify-bucket-pre-created)", async () => {
    await apply(step('03-test-organization.yaml'));
    await apply(step('test-data/project-1.yaml'));
    await autoGrantActive(PROJECT);
    await bucketShows(0);
  });

  it("charges each Secret in the Project's namespace to the Project: 1, then 2, then 1 after a delete", async () => {
    await apply(step('04-claim-creation-policy.yaml'));
    await waitFor('Ready', 'claimcreationpolicy.quota.miloapis.com/mc-test-secret-claim-policy');
    // the one-cluster analogue of the Project's control plane
    await admin('label', 'namespace', 'default', `resourcemanager.miloapis.com/project-name=${PROJECT}`);
    await apply(step('test-data/secret-1.yaml'));
    await waitFor(
      'Granted',
      '-n',
      'default',
      '-l',
      'test.miloapis.com/quota=multicluster',
      'resourceclaims.quota.miloapis.com',
    );
    await bucketShows(1);
    await apply(step('test-data/secret-2.yaml'));
    await waitFor(
      'Granted',
      '-n',
      'default',
      '-l',
      'test.miloapis.com/quota=multicluster',
      'resourceclaims.quota.miloapis.com',
    );
    const bucket = await bucketShows(2);
    assert.equal(bucket.spec.consumerRef.name, PROJECT);
    await admin('delete', 'secret', 'mc-test-secret-1', '-n', 'default');
    await bucketShows(1);
  });
});

describe('upstream scenario structured-type-enforcement (EndpointSlice, a built-in kind), same setup', () => {
  const st = (file: string) => repoPath('test/fixtures/milo-upstream/structured-type-enforcement', file);
  const ST_PROJECT = 'st-test-project-1';

  it('makes the policies Ready and grants the Project 5 EndpointSlices in milo-system', async () => {
    await apply(st('01-resource-registration.yaml'));
    await waitFor('Active', 'resourceregistration.quota.miloapis.com/st-test-endpointslices-per-project');
    await apply(st('02-grant-creation-policy.yaml'));
    await waitFor(
      'Ready',
      'grantcreationpolicy.quota.miloapis.com/st-test-project-endpointslice-grant-policy',
    );
    await apply(st('03-test-organization.yaml'));
    await apply(st('test-data/project-1.yaml'));
    await autoGrantActive(ST_PROJECT);
    await bucketShows(0, ST_PROJECT);
    await apply(st('04-claim-creation-policy.yaml'));
    await waitFor('Ready', 'claimcreationpolicy.quota.miloapis.com/st-test-endpointslice-claim-policy');
  });

  it('names each claim from the EndpointSlice (endpointslice-<name>) and charges the Project: 1, 2, then 1', async () => {
    await admin(
      'label',
      'namespace',
      'default',
      `resourcemanager.miloapis.com/project-name=${ST_PROJECT}`,
      '--overwrite',
    );
    await apply(st('test-data/endpointslice-1.yaml'));
    await waitFor(
      'Granted',
      '-n',
      'default',
      'resourceclaim.quota.miloapis.com/endpointslice-st-test-endpointslice-1',
    );
    await bucketShows(1, ST_PROJECT);
    await apply(st('test-data/endpointslice-2.yaml'));
    await waitFor(
      'Granted',
      '-n',
      'default',
      'resourceclaim.quota.miloapis.com/endpointslice-st-test-endpointslice-2',
    );
    await bucketShows(2, ST_PROJECT);
    await admin('delete', 'endpointslices.discovery.k8s.io', 'st-test-endpointslice-1', '-n', 'default');
    await bucketShows(1, ST_PROJECT);
  });
});

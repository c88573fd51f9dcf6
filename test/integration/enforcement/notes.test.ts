// Milo's shipped Note and ClusterNote claim policies and their registration (test/fixtures/milo-upstream/
// claim-policies, applied unchanged) on plain Kubernetes: the kinds come from the stand-in CRDs in
// config/samples/notes. A Note is charged to its namespace's Project; a ClusterNote (cluster-scoped, no request
// namespace) has its claim in --cluster-scoped-claim-namespace (the operator's namespace here) and is charged
// to that namespace's Project. Both count against one limit, and a create beyond it is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket, ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import {
  enforcementCovers,
  kubectlFails,
  kubectlOk,
  repoPath,
  waitForCondition,
} from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const fixture = (name: string) => repoPath('test/fixtures/milo-upstream/claim-policies', name);
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);
const PROJECT_LABEL = 'resourcemanager.miloapis.com/project-name';
const WEB = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'web' };
const CLAIM_NS = 'quota-system'; // the operator's namespace: --cluster-scoped-claim-namespace's default

const grant = `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceGrant
metadata:
  name: web-notes
  namespace: quota-system
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Project, name: web}
  allowances:
    - resourceType: notes.miloapis.com/notes
      buckets: [{amount: 3}]
`;

const subject = '{apiGroup: resourcemanager.miloapis.com, kind: Project, name: web}';
const note = (name: string) => `apiVersion: notes.miloapis.com/v1alpha1
kind: Note
metadata: {name: ${name}, namespace: web}
spec: {content: "call back on Monday", subjectRef: ${subject}}
`;
const clusterNote = (name: string) => `apiVersion: notes.miloapis.com/v1alpha1
kind: ClusterNote
metadata: {name: ${name}}
spec: {content: "renewal due", subjectRef: ${subject}}
`;
const create = (manifest: string) => kubectlOk(plane.current, ['create', '-f', '-'], manifest);
const refused = (manifest: string) => kubectlFails(plane.current, ['create', '-f', '-'], manifest);

function grantedClaim(namespace: string, name: string): Promise<ResourceClaim> {
  return eventually(`claim ${namespace}/${name} granted`, async () => {
    const c = await env.client.get<ResourceClaim>(RESOURCES.claims, namespace, name);
    return c.status?.conditions?.some((x) => x.type === 'Granted' && x.status === 'True') ? c : undefined;
  });
}

const overLimit =
  /You've reached your quota for this resource type \(Insufficient quota resources available: notes\.miloapis\.com\/notes: requested 1, limit 3, allocated 3, available 0 \(consumer resourcemanager\.miloapis\.com\/Project web, policy project-(cluster)?note-claim-policy\)\)/;

describe("Milo's Note and ClusterNote policies on the stand-in notes.miloapis.com CRDs", () => {
  it('apply unchanged: the registration goes Active, both policies Ready, the webhook covers both kinds', async () => {
    await kubectl('apply', '-k', repoPath('config/samples/notes'));
    await waitForCondition(plane.current, 'Established', [
      'crd/notes.notes.miloapis.com',
      'crd/clusternotes.notes.miloapis.com',
    ]);
    await kubectl('apply', '-f', fixture('note-registration.yaml'));
    await waitForCondition(plane.current, 'Active', [
      'resourceregistrations.quota.miloapis.com/notes-per-project',
    ]);
    await kubectl('apply', '-f', fixture('note-claim-policy.yaml'));
    await kubectl('apply', '-f', fixture('clusternote-claim-policy.yaml'));
    await waitForCondition(plane.current, 'Ready', [
      'claimcreationpolicies.quota.miloapis.com/project-note-claim-policy',
      'claimcreationpolicies.quota.miloapis.com/project-clusternote-claim-policy',
    ]);
    await enforcementCovers(plane.current, ['notes', 'clusternotes']);
    await kubectl('create', 'namespace', 'web');
    await kubectl('label', 'namespace', 'web', `${PROJECT_LABEL}=web`);
    await kubectlOk(plane.current, ['apply', '-f', '-'], grant);
    await waitForCondition(
      plane.current,
      'Active',
      ['resourcegrants.quota.miloapis.com/web-notes'],
      CLAIM_NS,
    );
  });

  it('refuses a ClusterNote while the cluster-scoped claim namespace maps to no Project, naming the label to set', async () => {
    const stderr = await refused(clusterNote('early'));
    assert.match(stderr, /names no consumerRef, so the consumer comes from the request's context/);
    assert.match(
      stderr,
      new RegExp(
        `kubectl label namespace ${CLAIM_NS} resourcemanager\\.miloapis\\.com/project-name=<Project name>`,
      ),
    );
  });

  it('charges Notes to the namespace Project and ClusterNotes through the claim namespace, one limit for both', async () => {
    await kubectl('label', 'namespace', CLAIM_NS, `${PROJECT_LABEL}=web`);
    await create(note('first'));
    await create(clusterNote('renewals'));
    await create(note('second'));
    const first = await grantedClaim('web', 'note-first');
    assert.deepEqual(first.spec.consumerRef, WEB);
    assert.deepEqual(first.spec.requests, [{ resourceType: 'notes.miloapis.com/notes', amount: 1 }]);
    const cluster = await grantedClaim(CLAIM_NS, 'clusternote-renewals');
    assert.deepEqual(cluster.spec.consumerRef, WEB);
    assert.equal(cluster.spec.resourceRef?.kind, 'ClusterNote');
    await grantedClaim('web', 'note-second');
    const bucket = await eventually('the Project web notes bucket to show 3 allocated', async () => {
      const out = await kubectl('get', 'allowancebuckets.quota.miloapis.com', '-A', '-o', 'json');
      const items = (JSON.parse(out) as { items: AllowanceBucket[] }).items;
      const b = items.find(
        (x) => x.spec.resourceType === 'notes.miloapis.com/notes' && x.spec.consumerRef.name === 'web',
      );
      return b?.status?.allocated === 3 ? b : undefined;
    });
    assert.equal(bucket.status?.limit, 3);
  });

  it('refuses a Note and a ClusterNote beyond the grant, with the figures, and creates neither', async () => {
    assert.match(await refused(note('third')), overLimit);
    assert.match(await refused(clusterNote('one-too-many')), overLimit);
    assert.match(
      await kubectlFails(plane.current, ['get', 'notes.notes.miloapis.com', 'third', '-n', 'web']),
      /NotFound|not found/,
    );
    assert.match(
      await kubectlFails(plane.current, ['get', 'clusternotes.notes.miloapis.com', 'one-too-many']),
      /NotFound|not found/,
    );
  });

  it('admits the next Note once one is deleted (its claim released)', async () => {
    await kubectl('delete', 'notes.notes.miloapis.com', 'first', '-n', 'web');
    await eventually('a Note to be admitted after the release', async () => {
      const r = await plane.current.kubectl(['create', '-f', '-'], { input: note('third') });
      return r.code === 0;
    });
    await grantedClaim('web', 'note-third');
  });
});

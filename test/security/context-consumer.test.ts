// A claim policy without consumerRef (Milo's Secret policy) charges the consumer named by the request
// namespace's labels (src/admission/enforce/context-consumer.ts). Played by a tenant: alice holds the shipped `edit`
// and `admin` roles in her namespace team-a, mapped to Project alice-proj (1 Secret); bob's team-b is mapped
// to Project bob-proj (5 Secrets). Every way she has to make bob's Project pay is tried through
// kubectl --as, and the test ends with the invariants and bob's bucket untouched.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { kubeRequest, type ResourceRef, resourcePath } from '../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { enforcementCovers, kubectlOk, repoPath } from '../support/kube.ts';
import { useOperator } from '../support/operator.ts';
import { assertQuotaInvariants, kubectlAs, makeTenant } from './support.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const admin = (...args: string[]) => kubectlOk(plane.current, args);
const alice = (...args: string[]) => kubectlAs(plane.current, 'alice', args);
const LABEL = 'resourcemanager.miloapis.com/project-name';
const fixture = (name: string) => repoPath('test/fixtures/milo-upstream/claim-policies', name);
const SECRETS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  namespaced: true,
  kind: 'Secret',
};
const POLICY = 'project-secret-claim-policy';

const grant = (project: string, amount: number) => `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceGrant
metadata: {name: ${project}-secrets, namespace: quota-system}
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Project, name: ${project}}
  allowances: [{resourceType: core.miloapis.com/secrets, buckets: [{amount: ${amount}}]}]
`;

async function allocatedTo(project: string): Promise<number> {
  const { items } = await kubeRequest<{ items: AllowanceBucket[] }>(env.client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.buckets, ''),
  });
  const bucket = items.find(
    (b) => b.spec.consumerRef.name === project && b.spec.resourceType === 'core.miloapis.com/secrets',
  );
  assert.ok(bucket, `a secrets bucket for Project ${project}`);
  return bucket.status?.allocated ?? 0;
}

const labelOf = (namespace: string) =>
  admin('get', 'namespace', namespace, '-o', `jsonpath={.metadata.labels.${LABEL.replaceAll('.', '\\.')}}`);

describe('a tenant cannot choose whom its namespace charges', () => {
  it('sets up: team-a → Project alice-proj (1 Secret), team-b → Project bob-proj (5)', async () => {
    await makeTenant(plane.current, 'alice', 'team-a');
    await admin(
      'create',
      'rolebinding',
      'alice-admin',
      '--clusterrole=admin',
      '--user=alice',
      '-n',
      'team-a',
    );
    await admin('create', 'namespace', 'team-b');
    await admin('label', 'namespace', 'team-a', `${LABEL}=alice-proj`);
    await admin('label', 'namespace', 'team-b', `${LABEL}=bob-proj`);
    await admin('apply', '-f', fixture('registrations.yaml'));
    await admin(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistrations/secrets-per-project',
    );
    await admin('apply', '-f', fixture('secret-claim-policy.yaml'));
    await admin('wait', '--for=condition=Ready', '--timeout=60s', `claimcreationpolicies/${POLICY}`);
    await kubectlOk(
      plane.current,
      ['apply', '-f', '-'],
      `${grant('alice-proj', 1)}---\n${grant('bob-proj', 5)}`,
    );
    await admin(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      '-n',
      'quota-system',
      'resourcegrants',
      '--all',
    );
    await enforcementCovers(plane.current, ['secrets']);
    await eventually('both buckets', async () => (await allocatedTo('bob-proj')) === 0);
  });

  it('the shipped roles give alice no write on namespaces (they are cluster-scoped)', async () => {
    for (const verb of ['update', 'patch', 'create']) {
      const r = await plane.current.kubectl(['auth', 'can-i', verb, 'namespaces/team-a', '--as=alice']);
      assert.equal(r.stdout.trim(), 'no', `alice may ${verb} namespaces`);
    }
  });

  it('the shipped operator role reads namespaces for this, and may not change them', async () => {
    await admin('apply', '-k', repoPath('config/rbac'), '-n', 'quota-system');
    const operator = '--as=system:serviceaccount:quota-system:milo-quota-operator';
    const can = async (verb: string) =>
      (await plane.current.kubectl(['auth', 'can-i', verb, 'namespaces/team-a', operator])).stdout.trim();
    await eventually(
      'the aggregated operator role to grant get on namespaces',
      async () => (await can('get')) === 'yes',
    );
    for (const verb of ['update', 'patch', 'list', 'delete']) assert.equal(await can(verb), 'no', verb);
  });

  it('cannot re-label, patch, annotate or replace her namespace to point at bob-proj', async () => {
    const attempts = [
      ['label', 'namespace', 'team-a', `${LABEL}=bob-proj`, '--overwrite'],
      [
        'patch',
        'namespace',
        'team-a',
        '--type=merge',
        '-p',
        `{"metadata":{"labels":{"${LABEL}":"bob-proj"}}}`,
      ],
      ['label', 'namespace', 'team-a', `${LABEL}-`],
      ['annotate', 'namespace', 'team-a', `${LABEL}=bob-proj`],
      ['create', 'namespace', 'team-c'],
    ];
    for (const args of attempts) {
      const r = await alice(...args);
      assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} went through: ${r.stdout}`);
      assert.match(r.stderr, /forbidden/i, args.join(' '));
    }
    assert.equal(await labelOf('team-a'), 'alice-proj');
  });

  it("cannot create in bob's mapped namespace", async () => {
    const r = await alice('create', 'secret', 'generic', 'sneaky', '-n', 'team-b', '--from-literal=k=v');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /forbidden: User "alice" cannot create resource "secrets"/);
  });

  it('is charged for her Secret whatever it says about bob, and refused at her own limit', async () => {
    const first = await alice('create', 'secret', 'generic', 'mine', '-n', 'team-a', '--from-literal=k=v');
    assert.equal(first.code, 0, first.stderr);
    const disguised = `apiVersion: v1
kind: Secret
metadata:
  name: pay-bob
  namespace: team-a
  labels: {${LABEL}: bob-proj}
  annotations: {${LABEL}: bob-proj}
stringData: {k: v}
`;
    const second = await kubectlAs(plane.current, 'alice', ['apply', '-f', '-'], disguised);
    assert.notEqual(second.code, 0, 'a second Secret went through');
    assert.match(
      second.stderr,
      /core\.miloapis\.com\/secrets: requested 1, limit 1, allocated 1, available 0 \(consumer resourcemanager\.miloapis\.com\/Project alice-proj/,
    );
  });

  it("leaves bob's Project uncharged and every bucket equal to its claims", async () => {
    await assertQuotaInvariants(env.client, [
      { resource: SECRETS, namespace: 'team-a', policy: POLICY },
      { resource: SECRETS, namespace: 'team-b', policy: POLICY },
    ]);
    assert.equal(await allocatedTo('alice-proj'), 1);
    assert.equal(await allocatedTo('bob-proj'), 0);
  });
});

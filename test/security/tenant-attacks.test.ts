// SPEC §12, played by a tenant: alice holds `edit` in her namespace (which folds in the shipped
// milo-quota-editor and milo-quota-viewer roles) and, from her platform, the right to manage Projects. Each
// attack on the quota is tried as she would, through kubectl --as, and each test ends with the invariants:
// every admitted enforced object has exactly one Granted claim for its uid, every bucket equals its claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import type { ResourceRef } from '../../src/runtime/index.ts';
import { review } from '../support/admission.ts';
import { makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { enforcementCovers, kubectlOk } from '../support/kube.ts';
import { configMapClaimPolicy, project } from '../support/manifests.ts';
import { useOperator } from '../support/operator.ts';
import {
  assertQuotaInvariants,
  claimOrganizationRole,
  type EnforcedKind,
  kubectlAs,
  makeTenant,
  PROJECTS,
  platformProjects,
  projectsPolicy,
} from './support.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const NS = 'quota-system';
const TEAM = 'team-a';
const admin = (...args: string[]) => kubectlOk(plane.current, args);
const alice = (args: string[], input?: string) => kubectlAs(plane.current, 'alice', args, input);

const CONFIGMAPS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
};
const ENFORCED: EnforcedKind[] = [
  { resource: PROJECTS, namespace: '', policy: 'projects-policy' },
  { resource: CONFIGMAPS, namespace: TEAM, policy: 'configmaps-policy' },
];
const invariants = () => assertQuotaInvariants(env.client, ENFORCED);

const configMapsPolicy = configMapClaimPolicy({
  name: 'configmaps-policy',
  namespace: TEAM,
  claimMetadata: '{generateName: "cm-", namespace: "{{trigger.metadata.namespace}}"}',
  consumer: 'alice-org',
  resourceType: 'example.com/configmaps',
});
const blogClaimUid = () =>
  admin(
    'get',
    'resourceclaim.quota.miloapis.com',
    '-n',
    NS,
    'project-alice-blog',
    '-o',
    'jsonpath={.metadata.uid}',
  );

async function teamClaims(): Promise<ResourceClaim[]> {
  const out = await admin('get', 'resourceclaims.quota.miloapis.com', '-n', TEAM, '-o', 'json');
  return (JSON.parse(out) as { items: ResourceClaim[] }).items;
}

describe('a tenant cannot get around quota', () => {
  it('sets up: alice-org may have 2 ConfigMaps in team-a, acme and beta 2 Projects, rich-org 5', async () => {
    const { client } = env;
    await client.create(RESOURCES.registrations, makeRegistration('projects', 'example.com/projects'));
    await client.create(
      RESOURCES.registrations,
      makeRegistration('configmaps', 'example.com/configmaps', undefined, [
        { apiGroup: '', kind: 'ConfigMap' },
      ]),
    );
    for (const [name, type, amount] of [
      ['alice-org', 'example.com/configmaps', 2],
      ['acme', 'example.com/projects', 2],
      ['rich-org', 'example.com/projects', 5],
      ['beta', 'example.com/projects', 2],
    ] as const) {
      await client.create(
        RESOURCES.grants,
        makeGrant(`${name}-grant`, NS, org(name)).allow(type, amount).build(),
      );
      await admin(
        'wait',
        '--for=condition=Active',
        '--timeout=60s',
        '-n',
        NS,
        `resourcegrant.quota.miloapis.com/${name}-grant`,
      );
    }
    await makeTenant(plane.current, 'alice', TEAM);
    await kubectlOk(
      plane.current,
      ['apply', '-f', '-'],
      `${platformProjects('alice')}---${projectsPolicy(NS)}---${configMapsPolicy}`,
    );
    for (const policy of ['projects-policy', 'configmaps-policy'])
      await admin(
        'wait',
        '--for=condition=Ready',
        '--timeout=60s',
        `claimcreationpolicy.quota.miloapis.com/${policy}`,
      );
    await enforcementCovers(plane.current, ['projects', 'configmaps']);
  });

  it('deleting her auto-created claims does not free capacity her ConfigMaps still use', async () => {
    for (const name of ['cm-1', 'cm-2']) {
      const made = await alice(['create', 'configmap', name, '-n', TEAM]);
      assert.equal(made.code, 0, made.stderr);
    }
    const third = await alice(['create', 'configmap', 'cm-3', '-n', TEAM]);
    assert.notEqual(third.code, 0);
    assert.match(
      third.stderr,
      /Insufficient quota resources available: example\.com\/configmaps: requested 1, limit 2, allocated 2/,
    );
    await eventually(
      'both claims linked to their ConfigMaps',
      async () =>
        (await teamClaims()).filter((c) => (c.metadata.ownerReferences ?? []).length > 0).length === 2,
    );
    const [first] = await teamClaims();
    const one = await alice([
      'delete',
      'resourceclaims.quota.miloapis.com',
      first?.metadata.name ?? '',
      '-n',
      TEAM,
    ]);
    assert.notEqual(one.code, 0, 'deleting a claim in use must be refused');
    assert.match(
      one.stderr,
      /which still exists: deleting the claim would free capacity that is still in use/,
    );
    const all = await alice(['delete', 'resourceclaims.quota.miloapis.com', '--all', '-n', TEAM]);
    assert.notEqual(all.code, 0);
    // one DELETE of the whole collection (deletecollection, which edit grants): admission sees each claim
    const path = `/apis/quota.miloapis.com/v1alpha1/namespaces/${TEAM}/resourceclaims`;
    const collection = await alice(['delete', '--raw', path]);
    assert.notEqual(collection.code, 0, `deletecollection must be refused: ${collection.stdout}`);
    assert.match(collection.stderr, /which still exists/);
    assert.equal((await teamClaims()).length, 2, 'no claim was deleted');
    const again = await alice(['create', 'configmap', 'cm-3', '-n', TEAM]);
    assert.notEqual(again.code, 0, 'still at the limit');
    await invariants();
  });

  it('relabelling or re-owning a claim (so GC or the orphan cleanup would delete it) is refused', async () => {
    const [claim] = await teamClaims();
    const name = claim?.metadata.name ?? '';
    const forgedUid = await alice([
      'label',
      '--overwrite',
      'resourceclaims.quota.miloapis.com',
      name,
      '-n',
      TEAM,
      'quota.miloapis.com/resource-uid=forged',
    ]);
    assert.notEqual(forgedUid.code, 0);
    assert.match(forgedUid.stderr, /metadata\.labels\[quota\.miloapis\.com\/resource-uid\] tie the claim/);
    const forgedOwner = await alice([
      'patch',
      'resourceclaims.quota.miloapis.com',
      name,
      '-n',
      TEAM,
      '--type=merge',
      '-p',
      '{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"gone","uid":"00000000-0000-4000-8000-000000000000"}]}}',
    ]);
    assert.notEqual(forgedOwner.code, 0);
    assert.match(forgedOwner.stderr, /metadata\.ownerReferences tie the claim/);
    const ownLabel = await alice(['label', 'resourceclaims.quota.miloapis.com', name, '-n', TEAM, 'team=a']);
    assert.equal(ownLabel.code, 0, `her own labels are fine: ${ownLabel.stderr}`);
    await invariants();
  });

  it('charging another Organization with a claim of her own is refused; her own, once allowed, is not', async () => {
    const claim = (consumer: string) => `
apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceClaim
metadata: {name: take-${consumer}, namespace: ${TEAM}}
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Organization, name: ${consumer}}
  requests: [{resourceType: example.com/projects, amount: 5}]
  resourceRef: {apiGroup: resourcemanager.miloapis.com, kind: Project, name: anything}
`;
    const stolen = await alice(['create', '-f', '-'], claim('rich-org'));
    assert.notEqual(stolen.code, 0, 'charging rich-org must be refused');
    assert.match(stolen.stderr, /user "alice" may not charge quota to Organization "rich-org"/);
    assert.match(stolen.stderr, /verb "claim" on organizations\.resourcemanager\.miloapis\.com "rich-org"/);
    // A platform admin lets alice charge alice-org only.
    await kubectlOk(plane.current, ['apply', '-f', '-'], claimOrganizationRole('alice', 'alice-org'));
    await eventually('alice may charge alice-org', async () => {
      const r = await alice(['create', '--dry-run=server', '-f', '-'], claim('alice-org'));
      return r.code === 0;
    });
    assert.notEqual((await alice(['create', '-f', '-'], claim('rich-org'))).code, 0, 'still not rich-org');
    await invariants();
  });

  it('moving a Project to another Organization by UPDATE is refused; other updates pass', async () => {
    const made = await alice(['apply', '-f', '-'], project('mover', 'rich-org'));
    assert.equal(made.code, 0, made.stderr);
    const moved = await alice([
      'patch',
      'project',
      'mover',
      '--type=merge',
      '-p',
      '{"spec":{"ownerRef":{"name":"acme"}}}',
    ]);
    assert.notEqual(moved.code, 0, 'the move must be refused');
    assert.match(
      moved.stderr,
      /Project "mover": this update would change what quota it is charged to \(policy projects-policy: consumer Organization "rich-org".*→ Organization "acme"/,
    );
    const labelled = await alice(['label', 'project', 'mover', 'tier=gold']);
    assert.equal(labelled.code, 0, labelled.stderr);
    const owner = await admin('get', 'project', 'mover', '-o', 'jsonpath={.spec.ownerRef.name}');
    assert.equal(owner, 'rich-org');
    await invariants();
  });

  it('racing creates against a Project held by a finalizer never admit one without its claim', async () => {
    const held = `
apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Project
metadata: {name: held, finalizers: [example.com/hold]}
spec: {ownerRef: {kind: Organization, name: acme}}
`;
    assert.equal((await alice(['apply', '-f', '-'], held)).code, 0);
    await admin('delete', 'project', 'held', '--wait=false');
    // 20 parallel creates of the same name while the finalizer is removed mid-way.
    const creates = Array.from({ length: 20 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 40)).then(() =>
        alice(['create', '-f', '-'], project('held', 'acme')),
      ),
    );
    const release = new Promise((resolve) => setTimeout(resolve, 300)).then(() =>
      admin('patch', 'project', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}'),
    );
    const results = await Promise.all(creates);
    await release;
    for (const r of results.filter((r) => r.code !== 0)) {
      assert.match(r.stderr, /already exists|retry/, `a refused create says why: ${r.stderr}`);
    }
    await invariants();
  });

  // Presenting the apiserver's own client certificate: what reaches the handler when authentication is off
  // (a cluster whose apiserver cannot be configured), or when the certificate leaked.
  it('a forged review that reaches the handler neither frees a Granted claim nor admits past the limit', async () => {
    for (const name of ['alice-blog', 'alice-shop'])
      assert.equal((await alice(['apply', '-f', '-'], project(name, 'beta'))).code, 0);
    await eventually('beta at its limit', async () => {
      const r = await alice(['apply', '-f', '-'], project('probe', 'beta'));
      return r.code !== 0 && /Insufficient quota/.test(r.stderr);
    });
    const before = await blogClaimUid();
    const forged = await review(
      env.operator,
      '/enforce-quota',
      {
        uid: 'forged-1',
        kind: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', kind: 'Project' },
        resource: { group: 'nope', version: 'v1', resource: 'nope' },
        name: 'alice-blog',
        operation: 'CREATE',
        userInfo: { username: 'alice' },
        object: {
          apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
          kind: 'Project',
          metadata: { name: 'alice-blog', uid: '11111111-2222-4333-8444-555555555555' },
          spec: { ownerRef: { kind: 'Organization', name: 'beta' } },
        },
      },
      plane.current.pki.webhookClient,
    );
    assert.equal(forged.allowed, false, 'a create of an existing object is refused');
    assert.equal(forged.status?.code, 409);
    const after = await blogClaimUid();
    assert.equal(after, before, "alice-blog's claim is untouched");
    const third = await alice(['apply', '-f', '-'], project('alice-third', 'beta'));
    assert.notEqual(third.code, 0);
    assert.match(third.stderr, /Insufficient quota resources available/);
    await invariants();
  });
});

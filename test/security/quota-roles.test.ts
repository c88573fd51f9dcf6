// Milo's quota roles as shipped here (config/rbac/milo_roles.yaml, docs/rbac.md), each played with
// `kubectl --as` on a real control plane with the operator running under --bucket-placement=milo: what each
// role can do, and what none of them lets its holder do (write buckets or claim status, charge an
// Organization it may not claim, read another Organization's buckets). Every authenticated user reads the
// registration catalogue, and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { makeClaim, makeGrant, makeRegistration, org } from '../support/builders.ts';
import { eventually, useControlPlane } from '../support/cluster.ts';
import { kubectlOk, repoPath } from '../support/kube.ts';
import { useOperator } from '../support/operator.ts';
import { kubectlAs } from './support.ts';

const plane = useControlPlane();
const env = useOperator(plane, { bucketPlacement: 'milo' });
const TYPE = 'example.com/projects';
const ACME_NS = 'organization-acme';
const BETA_NS = 'organization-beta';
const admin = (...args: string[]) => kubectlOk(plane.current, args);
const BUCKETS = 'allowancebuckets.quota.miloapis.com';
const CLAIMS = 'resourceclaims.quota.miloapis.com';
const GRANTS = 'resourcegrants.quota.miloapis.com';

/** `kubectl auth can-i` as `user` (an authenticated user, as a real login is). */
async function can(user: string, ...args: string[]): Promise<boolean> {
  const r = await plane.current.kubectl([
    'auth',
    'can-i',
    ...args,
    `--as=${user}`,
    '--as-group=system:authenticated',
  ]);
  return r.stdout.trim() === 'yes';
}
const as = (user: string, args: string[], input?: string) =>
  kubectlAs(plane.current, user, ['--as-group=system:authenticated', ...args], input);

/** What no shipped role gives anyone but the operator (SPEC §12, issue #13), in both Organizations' namespaces. */
const NEVER: readonly (readonly string[])[] = [ACME_NS, BETA_NS, 'quota-system'].flatMap((ns) => [
  ['create', BUCKETS, '-n', ns],
  ['patch', BUCKETS, '-n', ns],
  ['delete', BUCKETS, '-n', ns],
  ['patch', BUCKETS, '--subresource=status', '-n', ns],
  ['patch', CLAIMS, '--subresource=status', '-n', ns],
  ['update', CLAIMS, '--subresource=status', '-n', ns],
  ['patch', GRANTS, '--subresource=status', '-n', ns],
  ['release', CLAIMS, '-n', ns],
]);

async function assertNever(user: string): Promise<void> {
  for (const args of NEVER) assert.equal(await can(user, ...args), false, `${user} may ${args.join(' ')}`);
}

describe("Milo's quota roles", () => {
  it('sets up: the shipped RBAC, Organizations acme and beta with buckets in organization-<org>', async () => {
    await admin('apply', '-k', repoPath('config/rbac'));
    for (const ns of [ACME_NS, BETA_NS, 'milo-system']) await admin('create', 'namespace', ns);
    await env.client.create(RESOURCES.registrations, makeRegistration('projects', TYPE));
    await admin(
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistration.quota.miloapis.com/projects',
    );
    for (const name of ['acme', 'beta']) {
      await env.client.create(
        RESOURCES.grants,
        makeGrant(`${name}-grant`, 'quota-system', org(name)).allow(TYPE, 3).build(),
      );
    }
    for (const ns of [ACME_NS, BETA_NS]) {
      await eventually(`a bucket in ${ns}`, async () => {
        const out = await admin('get', BUCKETS, '-n', ns, '-o', 'name');
        return out.trim() !== '';
      });
    }
    const bind = (user: string, role: string, ns?: string) =>
      ns === undefined
        ? admin('create', 'clusterrolebinding', `${user}-${role}`, `--clusterrole=${role}`, `--user=${user}`)
        : admin(
            'create',
            'rolebinding',
            `${user}-${role}`,
            `--clusterrole=${role}`,
            `--user=${user}`,
            '-n',
            ns,
          );
    await bind('carol', 'quota.miloapis.com-organization-quota-manager', ACME_NS);
    await bind('vic', 'quota.miloapis.com-viewer', ACME_NS);
    await bind('max', 'quota.miloapis.com-manager');
    await bind('ada', 'quota.miloapis.com-admin');
    await eventually('the Milo role bindings to take effect', async () => {
      const ready = await Promise.all([
        can('vic', 'list', BUCKETS, '-n', ACME_NS),
        can('max', 'create', GRANTS, '-n', 'quota-system'),
        can('ada', 'create', 'resourceregistrations.quota.miloapis.com'),
      ]);
      return ready.every(Boolean);
    });
  });

  it('every authenticated user reads the registration catalogue, and nothing else of quota', async () => {
    const r = await as('nobody', ['get', 'resourceregistrations.quota.miloapis.com', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /resourceregistration.quota.miloapis.com\/projects/);
    assert.equal(await can('nobody', 'watch', 'resourceregistrations.quota.miloapis.com'), true);
    assert.equal(await can('nobody', 'create', 'resourceregistrations.quota.miloapis.com'), false);
    for (const resource of [BUCKETS, CLAIMS, GRANTS]) {
      assert.equal(await can('nobody', 'list', resource, '-A'), false, resource);
      assert.equal(await can('nobody', 'list', resource, '-n', ACME_NS), false, resource);
    }
  });

  for (const user of ['carol', 'vic']) {
    it(`${user} (bound in organization-acme) reads acme's buckets, not beta's, and writes nothing`, async () => {
      const own = await as(user, ['get', BUCKETS, '-n', ACME_NS, '-o', 'json']);
      assert.equal(own.code, 0, own.stderr);
      const items = (JSON.parse(own.stdout) as { items: AllowanceBucket[] }).items;
      assert.deepEqual(
        items.map((b) => [b.spec.consumerRef.name, b.spec.resourceType, b.status?.limit]),
        [['acme', TYPE, 3]],
      );
      const other = await as(user, ['get', BUCKETS, '-n', BETA_NS]);
      assert.notEqual(other.code, 0);
      assert.match(other.stderr, /forbidden/);
      const all = await as(user, ['get', BUCKETS, '-A']);
      assert.notEqual(all.code, 0);
      for (const verb of ['create', 'delete', 'patch', 'update']) {
        for (const resource of [BUCKETS, CLAIMS, GRANTS]) {
          assert.equal(
            await can(user, verb, resource, '-n', ACME_NS),
            false,
            `${user} may ${verb} ${resource}`,
          );
        }
      }
      await assertNever(user);
    });
  }

  it('the manager hands out grants and manages claims, but charges only Organizations it may claim', async () => {
    assert.equal(await can('max', 'create', GRANTS, '-n', ACME_NS), true);
    assert.equal(await can('max', 'delete', CLAIMS, '-n', ACME_NS), true);
    assert.equal(await can('max', 'list', BUCKETS, '-A'), true);
    assert.equal(await can('max', 'create', 'resourceregistrations.quota.miloapis.com'), false);
    assert.equal(await can('max', 'create', 'claimcreationpolicies.quota.miloapis.com'), false);
    await assertNever('max');
    const claim = makeClaim('max-charges-beta', BETA_NS, org('beta')).request(TYPE, 1).build();
    const refused = await as('max', ['create', '-f', '-'], JSON.stringify(claim));
    assert.notEqual(refused.code, 0, 'a claim charging beta without the claim verb');
    assert.match(refused.stderr, /may not charge quota to .*beta.*"claim"/);
  });

  it('the admin also manages registrations and policies, and still writes no bucket or claim status', async () => {
    for (const resource of ['resourceregistrations', 'grantcreationpolicies', 'claimcreationpolicies']) {
      assert.equal(await can('ada', 'create', `${resource}.quota.miloapis.com`), true, resource);
    }
    assert.equal(await can('ada', 'create', GRANTS, '-n', BETA_NS), true);
    await assertNever('ada');
  });

  it("quota-operator is not shipped as a second name for the operator's rights", async () => {
    const r = await plane.current.kubectl(['get', 'clusterrole', 'quota.miloapis.com-operator']);
    assert.notEqual(r.code, 0);
    // control: the operator's own role does write buckets (so assertNever would catch a role that does)
    assert.equal(
      await can('system:serviceaccount:quota-system:milo-quota-operator', 'create', BUCKETS, '-n', ACME_NS),
      true,
    );
  });
});

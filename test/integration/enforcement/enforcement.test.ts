// Enforcement beyond Milo's scenarios (SPEC §6): two policies on one kind, a retried create re-using its
// granted claim, the operator stopped (failurePolicy Fail, unrelated kinds unaffected), and a timeout that
// comes back as a retryable 504 rather than the quota 403.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { kubeRequest, resourcePath } from '../../../src/runtime/index.ts';
import { review } from '../../support/admission.ts';
import { makeGrant, makeRegistration, org } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { enforcementCovers, kubectlFails, kubectlOk } from '../../support/kube.ts';
import { project } from '../../support/manifests.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const kubectl = (...args: string[]) => kubectlOk(plane.current, args);
const NS = 'quota-system';
const grantActive = (name: string) =>
  kubectl(
    'wait',
    '--for=condition=Active',
    '--timeout=60s',
    '-n',
    NS,
    `resourcegrant.quota.miloapis.com/${name}`,
  );

const claimPolicy = (name: string, resourceType: string, claimName: string) => `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata:
  name: ${name}
spec:
  trigger:
    resource:
      apiVersion: resourcemanager.miloapis.com/v1alpha1
      kind: Project
  target:
    resourceClaimTemplate:
      metadata:
        name: ${claimName}
        namespace: ${NS}
      spec:
        consumerRef:
          apiGroup: resourcemanager.miloapis.com
          kind: Organization
          name: "{{trigger.spec.ownerRef.name}}"
        requests:
          - resourceType: ${resourceType}
            amount: 1
`;

async function claims(): Promise<ResourceClaim[]> {
  const list = await kubeRequest<{ items: ResourceClaim[] }>(env.client.kubeConfig, {
    method: 'GET',
    path: resourcePath(RESOURCES.claims, NS),
  });
  return list.items;
}

describe('enforcement', () => {
  it('sets up two policies on Projects: projects (room for 2) and seats (room for 1)', async () => {
    const { client } = env;
    for (const [name, type] of [
      ['projects', 'example.com/projects'],
      ['seats', 'example.com/seats'],
    ] as const) {
      await client.create(RESOURCES.registrations, makeRegistration(name, type));
    }
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-projects', NS, org('acme')).allow('example.com/projects', 2).build(),
    );
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-seats', NS, org('acme')).allow('example.com/seats', 1).build(),
    );
    for (const [name, type] of [
      ['projects-policy', 'example.com/projects'],
      ['seats-policy', 'example.com/seats'],
    ] as const) {
      const applied = await plane.current.kubectl(['apply', '-f', '-'], {
        input: claimPolicy(name, type, `${name}-{{trigger.metadata.name}}`),
      });
      assert.equal(applied.code, 0, applied.stderr);
      await kubectl(
        'wait',
        '--for=condition=Ready',
        '--timeout=60s',
        `claimcreationpolicy.quota.miloapis.com/${name}`,
      );
    }
    await grantActive('acme-seats');
    await grantActive('acme-projects');
  });

  it('admits a create only when every policy grants, and keeps nothing reserved when one refuses', async () => {
    await enforcementCovers(plane.current, ['projects']);
    await plane.current
      .kubectl(['apply', '-f', '-'], { input: project('web') })
      .then((r) => assert.equal(r.code, 0, r.stderr));
    const names = (await claims()).map((c) => c.metadata.name).sort();
    assert.deepEqual(names, ['projects-policy-web', 'seats-policy-web']);
    // projects has room for one more, seats has none: the create is refused, and the projects claim it made is released.
    const refused = await plane.current.kubectl(['apply', '-f', '-'], { input: project('api') });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Insufficient quota resources available: example\.com\/seats: requested 1, limit 1, allocated 1, available 0/,
    );
    assert.match(refused.stderr, /policy seats-policy/);
    await eventually("only the admitted Project's claims remain", async () => {
      const left = (await claims()).map((c) => c.metadata.name).sort();
      return JSON.stringify(left) === JSON.stringify(['projects-policy-web', 'seats-policy-web']);
    });
  });

  it('re-uses the granted claims of a retried create of the same object (after an earlier refusal left nothing)', async () => {
    const object = {
      apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
      kind: 'Project',
      metadata: { name: 'retry', uid: '5e0f3c55-0000-4000-8000-000000000001' },
      spec: { ownerRef: { kind: 'Organization', name: 'other' } },
    };
    const admission = (uid: string) => ({
      uid,
      kind: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', kind: 'Project' },
      resource: { group: 'resourcemanager.miloapis.com', version: 'v1alpha1', resource: 'projects' },
      name: 'retry',
      operation: 'CREATE' as const,
      userInfo: { username: 'alice' },
      object,
    });
    const { client } = env;
    // Organization "other" has projects but no seats at first: denied, and its claims released.
    await client.create(
      RESOURCES.grants,
      makeGrant('other-projects', NS, org('other')).allow('example.com/projects', 5).build(),
    );
    await grantActive('other-projects');
    const denied = await review(
      env.operator,
      '/enforce-quota',
      admission('req-1'),
      plane.current.pki.webhookClient,
    );
    assert.equal(denied.allowed, false);
    assert.equal(denied.status?.code, 403);
    await client.create(
      RESOURCES.grants,
      makeGrant('other-seats', NS, org('other')).allow('example.com/seats', 5).build(),
    );
    await grantActive('other-seats');
    const first = await review(
      env.operator,
      '/enforce-quota',
      admission('req-2'),
      plane.current.pki.webhookClient,
    );
    assert.equal(first.allowed, true, first.status?.message);
    const uids = async () =>
      (await claims())
        .filter((c) => c.metadata.name?.endsWith('-retry'))
        .map((c) => c.metadata.uid)
        .sort();
    const before = await uids();
    assert.equal(before.length, 2);
    const retried = await review(
      env.operator,
      '/enforce-quota',
      admission('req-3'),
      plane.current.pki.webhookClient,
    );
    assert.equal(retried.allowed, true, retried.status?.message);
    assert.deepEqual(await uids(), before, 'the retry re-used both granted claims');
  });

  it('with the operator stopped, enforced creates fail with a clear webhook error and ConfigMaps are unaffected', async () => {
    await env.operator.stop();
    const refused = await plane.current.kubectl(['apply', '-f', '-'], { input: project('offline') });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /failed calling webhook "enforce\.quota\.miloapis\.com"/);
    await kubectl('create', 'configmap', 'unaffected', '-n', 'default');
    await kubectlFails(plane.current, ['get', 'project', 'offline']);
  });
});

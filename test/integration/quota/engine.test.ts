// The quota engine with the operator running against a real control plane (issue 5's scenarios).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllowanceBucket, ResourceClaim, ResourceGrant } from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { bucketName, formatConsumerKey } from '../../../src/quota/index.ts';
import { makeClaim, makeGrant, makeRegistration, org, project } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const NS = 'quota-system';

async function decided(name: string, namespace = NS): Promise<ResourceClaim> {
  return eventually(`claim ${name} to be decided`, async () => {
    const claim = await env.client.get<ResourceClaim>(RESOURCES.claims, namespace, name);
    const granted = claim.status?.conditions?.find((c) => c.type === 'Granted');
    return granted && granted.reason !== 'PendingEvaluation' ? claim : undefined;
  });
}

const granted = (claim: ResourceClaim) => claim.status?.conditions?.find((c) => c.type === 'Granted');

async function bucket(consumer: string, resourceType: string): Promise<AllowanceBucket> {
  const key = formatConsumerKey(org(consumer));
  return env.client.get<AllowanceBucket>(RESOURCES.buckets, NS, bucketName(key, resourceType));
}

async function bucketFigures(consumer: string, resourceType: string) {
  const b = await bucket(consumer, resourceType);
  return { limit: b.status?.limit, allocated: b.status?.allocated, available: b.status?.available };
}

async function activeGrant(name: string): Promise<void> {
  await eventually(`grant ${name} Active`, async () => {
    const g = await env.client.get<ResourceGrant>(RESOURCES.grants, NS, name);
    return g.status?.conditions?.find((c) => c.type === 'Active')?.status === 'True';
  });
}

describe('quota engine on a real control plane', () => {
  it('grants two claims on a grant of 2 and denies the third with QuotaExceeded', async () => {
    const { client } = env;
    await client.create(RESOURCES.registrations, makeRegistration('projects', 'example.com/projects'));
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-projects', NS, org('acme')).allow('example.com/projects', 2).build(),
    );
    await activeGrant('acme-projects');
    for (const name of ['p1', 'p2', 'p3']) {
      await client.create(
        RESOURCES.claims,
        makeClaim(name, NS, org('acme')).request('example.com/projects', 1).for(project(name)).build(),
      );
      await decided(name);
    }
    const results = await Promise.all(['p1', 'p2', 'p3'].map((n) => decided(n)));
    assert.deepEqual(
      results.map((c) => [granted(c)?.status, granted(c)?.reason]),
      [
        ['True', 'QuotaAvailable'],
        ['True', 'QuotaAvailable'],
        ['False', 'QuotaExceeded'],
      ],
    );
    assert.equal(granted(results[0] as ResourceClaim)?.message, 'All 1 resource requests have been granted');
    await eventually('bucket figures', async () => {
      const f = await bucketFigures('acme', 'example.com/projects');
      return f.limit === 2 && f.allocated === 2 && f.available === 0;
    });
  });

  it('returns capacity when a claim is deleted', async () => {
    const { client } = env;
    await client.delete(RESOURCES.claims, NS, 'p1');
    await eventually(
      'capacity back',
      async () => (await bucketFigures('acme', 'example.com/projects')).available === 1,
    );
    await client.create(
      RESOURCES.claims,
      makeClaim('p4', NS, org('acme')).request('example.com/projects', 1).for(project('p4')).build(),
    );
    assert.equal(granted(await decided('p4'))?.status, 'True');
  });

  it('adds grants up, and lowers the limit without revoking when a grant goes', async () => {
    const { client } = env;
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-more', NS, org('acme')).allow('example.com/projects', 3).build(),
    );
    await activeGrant('acme-more');
    await eventually(
      'limit 5',
      async () => (await bucketFigures('acme', 'example.com/projects')).limit === 5,
    );
    await client.delete(RESOURCES.grants, NS, 'acme-projects');
    await eventually('limit 3, nothing revoked', async () => {
      const f = await bucketFigures('acme', 'example.com/projects');
      return f.limit === 3 && f.allocated === 2 && f.available === 1;
    });
    for (const name of ['p2', 'p4']) assert.equal(granted(await decided(name))?.status, 'True');
  });

  it('shows an over-commit while the limit is below the allocation, and clears it when the limit returns', async () => {
    const { client } = env;
    await client.delete(RESOURCES.grants, NS, 'acme-more');
    const over = await eventually('over-commit of 2', async () => {
      const b = await bucket('acme', 'example.com/projects');
      return b.status?.overcommitted === 2 ? b.status : undefined;
    });
    assert.deepEqual([over.limit, over.allocated, over.available], [0, 2, 0]);
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-back', NS, org('acme')).allow('example.com/projects', 3).build(),
    );
    await activeGrant('acme-back');
    const healed = await eventually('limit 3 and no over-commit field', async () => {
      const b = await bucket('acme', 'example.com/projects');
      return b.status?.limit === 3 ? b.status : undefined;
    });
    assert.equal(healed.overcommitted, undefined);
  });

  it('holds nothing anywhere for a multi-request claim that does not fit', async () => {
    const { client } = env;
    await client.create(RESOURCES.registrations, makeRegistration('vcpus', 'example.com/vcpus'));
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-vcpus', NS, org('acme')).allow('example.com/vcpus', 4).build(),
    );
    await activeGrant('acme-vcpus');
    const claim = makeClaim('vm-big', NS, org('acme'))
      .for(project('vm-big'))
      .request('example.com/vcpus', 2)
      .request('example.com/projects', 5);
    await client.create(RESOURCES.claims, claim.build());
    const result = await decided('vm-big');
    assert.equal(granted(result)?.reason, 'QuotaExceeded');
    assert.ok(
      result.status?.allocations?.every((a) => a.status === 'Denied'),
      'no request of a denied claim is granted',
    );
    await eventually('vcpus bucket untouched', async () => {
      const f = await bucketFigures('acme', 'example.com/vcpus');
      return f.limit === 4 && f.allocated === 0;
    });
  });

  it('marks a grant for an unregistered type ValidationFailed until the registration appears', async () => {
    const { client } = env;
    await client.create(
      RESOURCES.grants,
      makeGrant('acme-gpus', NS, org('acme')).allow('example.com/gpus', 1).build(),
    );
    const failed = await eventually('grant ValidationFailed', async () => {
      const g = await client.get<ResourceGrant>(RESOURCES.grants, NS, 'acme-gpus');
      const active = g.status?.conditions?.find((c) => c.type === 'Active');
      return active?.reason === 'ValidationFailed' ? active : undefined;
    });
    assert.match(failed.message, /example\.com\/gpus/);
    await client.create(RESOURCES.registrations, makeRegistration('gpus', 'example.com/gpus'));
    await activeGrant('acme-gpus');
  });

  it('marks a grant for the wrong consumer type ValidationFailed', async () => {
    const { client } = env;
    const project = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'web' };
    await client.create(
      RESOURCES.grants,
      makeGrant('web-projects', NS, project).allow('example.com/projects', 1).build(),
    );
    const active = await eventually('grant ValidationFailed', async () => {
      const g = await client.get<ResourceGrant>(RESOURCES.grants, NS, 'web-projects');
      const c = g.status?.conditions?.find((x) => x.type === 'Active');
      return c?.reason === 'ValidationFailed' ? c : undefined;
    });
    assert.match(active.message, /consumer type mismatch/);
  });
});

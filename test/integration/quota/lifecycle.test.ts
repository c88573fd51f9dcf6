// Object lifecycles (SPEC §4.7, §6): a bucket nothing refers to is deleted after its grace period; an
// auto-created claim whose object never appears is deleted after its grace period, a manual one never; a claim
// gets its ownerReference once its object exists, and garbage collection then releases it with the object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AllowanceBucket,
  LABEL_AUTO_CREATED,
  LABEL_RESOURCE_UID,
  type ResourceClaim,
} from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { bucketName, formatConsumerKey } from '../../../src/quota/index.ts';
import { isNotFound } from '../../../src/runtime/index.ts';
import { makeClaim, makeGrant, makeRegistration, org } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlOk } from '../../support/kube.ts';
import { project } from '../../support/manifests.ts';
import { useOperator } from '../../support/operator.ts';

const plane = useControlPlane();
const env = useOperator(plane, { bucketGracePeriodSeconds: 2, orphanGracePeriodSeconds: 2 });
const NS = 'quota-system';
const TYPE = 'example.com/projects';
const PROJECT_REF = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' };

async function gone(what: string, read: () => Promise<unknown>, timeoutMs = 30_000): Promise<void> {
  await eventually(
    what,
    async () => {
      try {
        await read();
        return false;
      } catch (error) {
        return isNotFound(error);
      }
    },
    timeoutMs,
    200,
  );
}

const getClaim = (name: string) => env.client.get<ResourceClaim>(RESOURCES.claims, NS, name);
const granted = async (name: string) =>
  eventually(`claim ${name} granted`, async () => {
    const c = await getClaim(name);
    return c.status?.conditions?.find((x) => x.type === 'Granted')?.status === 'True' ? c : undefined;
  });

describe('lifecycles', () => {
  it('sets up a registration and a grant', async () => {
    await env.client.create(RESOURCES.registrations, makeRegistration('projects', TYPE));
    await env.client.create(RESOURCES.grants, makeGrant('acme', NS, org('acme')).allow(TYPE, 10).build());
  });

  it('deletes a bucket once nothing has referred to it for the grace period', async () => {
    const { client } = env;
    await client.create(RESOURCES.grants, makeGrant('temp', NS, org('temp')).allow(TYPE, 1).build());
    const name = bucketName(formatConsumerKey(org('temp')), TYPE);
    await eventually('the bucket', () => client.get<AllowanceBucket>(RESOURCES.buckets, NS, name));
    await client.delete(RESOURCES.grants, NS, 'temp');
    await gone('the unreferenced bucket to be deleted', () => client.get(RESOURCES.buckets, NS, name));
  });

  it('deletes an auto-created claim whose object never appears, but never a manual one', async () => {
    const { client } = env;
    const orphan = makeClaim('orphan', NS, org('acme'))
      .request(TYPE, 1)
      .for({ ...PROJECT_REF, name: 'never-created' })
      .build();
    orphan.metadata.labels = { [LABEL_AUTO_CREATED]: 'true', [LABEL_RESOURCE_UID]: 'no-such-uid' };
    const manual = makeClaim('manual', NS, org('acme'))
      .request(TYPE, 1)
      .for({ ...PROJECT_REF, name: 'never-created-either' })
      .build();
    await client.create(RESOURCES.claims, orphan);
    await client.create(RESOURCES.claims, manual);
    await granted('orphan');
    await granted('manual');
    await gone('the orphaned auto-created claim', () => getClaim('orphan'));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(
      (await getClaim('manual')).metadata.name,
      'manual',
      'a manual claim is never orphan-deleted',
    );
  });

  it('links a claim to its object once the object exists, and garbage collection releases it', async () => {
    const { client } = env;
    const claim = makeClaim('web-claim', NS, org('acme'))
      .request(TYPE, 1)
      .for({ ...PROJECT_REF, name: 'web' })
      .build();
    await client.create(RESOURCES.claims, claim);
    await granted('web-claim');
    await kubectlOk(plane.current, ['apply', '-f', '-'], project('web'));
    const linked = await eventually('the ownerReference', async () => {
      const c = await getClaim('web-claim');
      return (c.metadata.ownerReferences ?? []).length > 0 ? c : undefined;
    });
    assert.deepEqual(
      linked.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.controller, o.blockOwnerDeletion]),
      [['Project', 'web', false, false]],
    );
    await kubectlOk(plane.current, ['delete', 'project', 'web']);
    await gone('the claim, collected with its Project', () => getClaim('web-claim'), 90_000);
  });
});

// A member claim's object is read in its member: the claim guard must never conclude "gone" (and let a tenant
// free the claim) from this cluster, nor from a member it cannot reach.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANNOTATION_MEMBER_RESOURCE,
  LABEL_MEMBER_CLUSTER,
  type MemberCluster,
  type ResourceClaim,
} from '../api/index.ts';
import { FakeClient } from '../runtime/fake/index.ts';
import type { KubeObject } from '../runtime/index.ts';
import { findClaimObjectAnywhere, type Member, type MemberRegistry } from './members.ts';

const SECRETS = { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' };
const claim = {
  apiVersion: 'quota.miloapis.com/v1alpha1',
  kind: 'ResourceClaim',
  metadata: {
    name: 'c',
    namespace: 'quota-member-p1',
    labels: { [LABEL_MEMBER_CLUSTER]: 'p1' },
    annotations: { [ANNOTATION_MEMBER_RESOURCE]: 'v1/secrets' },
  },
  spec: { requests: [], resourceRef: { kind: 'Secret', name: 's1', namespace: 'default' } },
} as unknown as ResourceClaim;

function registry(member: Member | undefined): MemberRegistry {
  return {
    get: () => member,
    list: () => (member ? [member] : []),
    onChange: () => () => {},
    hasSynced: () => true,
  };
}
const localNeverAsked = async () => assert.fail('a member claim is not looked up in this cluster');

describe('findClaimObjectAnywhere', () => {
  it('reads a member claim’s object in its member: present, then gone', async () => {
    const client = new FakeClient();
    client.add(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's1', namespace: 'default' },
    } as KubeObject);
    const member = { cluster: { name: 'p1' } as MemberCluster, client, reachable: true };
    const found = await findClaimObjectAnywhere(registry(member), claim, localNeverAsked);
    assert.equal(found.object?.metadata?.name, 's1');
    await client.delete(SECRETS, 'default', 's1');
    assert.equal((await findClaimObjectAnywhere(registry(member), claim, localNeverAsked)).object, undefined);
  });

  it('reports the object present when the member is unknown or unreachable', async () => {
    const unreachable = {
      cluster: { name: 'p1' } as MemberCluster,
      client: new FakeClient(),
      reachable: false,
    };
    for (const members of [undefined, registry(undefined), registry(unreachable)]) {
      const found = await findClaimObjectAnywhere(members, claim, localNeverAsked);
      assert.match(found.object?.metadata?.uid ?? '', /cannot be read/);
    }
  });

  it('looks up other claims in this cluster', async () => {
    const local = { metadata: { labels: {} }, spec: claim.spec } as unknown as ResourceClaim;
    const found = await findClaimObjectAnywhere(undefined, local, async () => ({
      resource: undefined,
      object: undefined,
    }));
    assert.equal(found.object, undefined);
  });
});

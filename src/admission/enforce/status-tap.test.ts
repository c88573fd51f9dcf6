// The status-write tap: only a successful status write of a ResourceClaim is reported, with the answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceClaim } from '../../api/index.ts';
import { makeClaim } from '../../api/testing.ts';
import { RESOURCES } from '../../cache/index.ts';
import type { KubeClient, KubeObject } from '../../runtime/index.ts';
import { tapClaimCreates, tapClaimStatusWrites } from './status-tap.ts';

function fakeClient(answer: (path: unknown[]) => KubeObject): KubeClient {
  const fail = () => Promise.reject(new Error('not used'));
  return {
    kubeConfig: undefined as unknown as KubeClient['kubeConfig'],
    get: fail,
    create: fail,
    replace: fail,
    replaceStatus: fail,
    patchStatus: fail,
    delete: fail,
    patch: async <T extends KubeObject>(...args: unknown[]) => answer(args) as T,
  };
}

describe('tapClaimStatusWrites', () => {
  it('reports successful claim status writes, with what the apiserver answered', async () => {
    const decided = makeClaim();
    decided.metadata.uid = 'u1';
    const client = fakeClient(() => decided as unknown as KubeObject);
    const seen: ResourceClaim[] = [];
    tapClaimStatusWrites(client, (claim) => seen.push(claim));
    const answer = await client.patch(RESOURCES.claims, 'ns', 'c', 'merge', {}, { subresource: 'status' });
    assert.equal(answer, decided as unknown as KubeObject);
    assert.deepEqual(
      seen.map((c) => c.metadata.uid),
      ['u1'],
    );
    // not the status subresource, not a claim: nothing
    await client.patch(RESOURCES.claims, 'ns', 'c', 'merge', {});
    await client.patch(RESOURCES.buckets, 'ns', 'b', 'merge', {}, { subresource: 'status' });
    assert.equal(seen.length, 1);
  });

  it('reports nothing for a failed write, and a listener that throws does not fail the write', async () => {
    const client = fakeClient(() => {
      throw new Error('409 Conflict');
    });
    const seen: unknown[] = [];
    tapClaimStatusWrites(client, (claim) => seen.push(claim));
    await assert.rejects(
      client.patch(RESOURCES.claims, 'ns', 'c', 'merge', {}, { subresource: 'status' }),
      /409/,
    );
    assert.equal(seen.length, 0);
    const ok = fakeClient(() => makeClaim() as unknown as KubeObject);
    tapClaimStatusWrites(ok, () => {
      throw new Error('listener');
    });
    await ok.patch(RESOURCES.claims, 'ns', 'c', 'merge', {}, { subresource: 'status' });
  });
});

describe('tapClaimCreates', () => {
  it('reports claims created, not dry runs nor other kinds nor failures', async () => {
    const created = makeClaim();
    created.metadata.uid = 'u2';
    let fail = false;
    const client = {
      ...fakeClient(() => created as unknown as KubeObject),
      create: async <T extends KubeObject>(_ref: unknown, _obj: T, _options?: unknown) => {
        if (fail) throw new Error('409 AlreadyExists');
        return created as unknown as T;
      },
    };
    const seen: ResourceClaim[] = [];
    tapClaimCreates(client, (claim) => seen.push(claim));
    const claim = created as unknown as KubeObject;
    assert.equal(await client.create(RESOURCES.claims, claim), claim);
    await client.create(RESOURCES.claims, claim, { dryRun: true });
    await client.create(RESOURCES.buckets, claim);
    fail = true;
    await assert.rejects(client.create(RESOURCES.claims, claim), /409/);
    assert.deepEqual(
      seen.map((c) => c.metadata.uid),
      ['u2'],
    );
  });
});

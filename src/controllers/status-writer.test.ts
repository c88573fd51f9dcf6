import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../api/index.ts';
import type { KubeClient } from '../runtime/index.ts';
import { statusPatch, writeCondition } from './status-writer.ts';

describe('statusPatch', () => {
  it('clears, with null, the fields the new status no longer has (merge patches keep absent keys)', () => {
    const stored = { limit: 0, allocated: 1, available: 0, overcommitted: 1 };
    const next = { limit: 5, allocated: 1, available: 4 };
    assert.deepEqual(statusPatch(stored, next), {
      limit: 5,
      allocated: 1,
      available: 4,
      overcommitted: null,
    });
  });

  it('is the new status itself when nothing was dropped', () => {
    assert.deepEqual(statusPatch(undefined, { observedGeneration: 1 }), { observedGeneration: 1 });
    assert.deepEqual(statusPatch({ a: 1 }, { a: 2, b: 3 }), { a: 2, b: 3 });
  });
});

describe('writeCondition', () => {
  const ref = {
    group: 'quota.miloapis.com',
    version: 'v1alpha1',
    plural: 'resourcegrants',
    namespaced: true,
  };
  const recorder = () => {
    const patches: unknown[] = [];
    const client = {
      patch: async <T>(...args: unknown[]) => {
        patches.push(args[4]);
        return {} as T;
      },
    } as Pick<KubeClient, 'patch'>;
    return { patches, client };
  };
  const grant = (status?: { observedGeneration: number; conditions: Condition[] }) => ({
    metadata: { namespace: 'ns', name: 'g', generation: 1 },
    ...(status === undefined ? {} : { status }),
  });
  const active = { type: 'Active', status: 'True' as const, reason: 'Valid', message: 'ok' };

  it('writes and says so when the condition or observedGeneration changes', async () => {
    const { patches, client } = recorder();
    assert.equal(await writeCondition(client, ref, grant(), active, new AbortController().signal), true);
    assert.equal(patches.length, 1);
  });

  it('writes nothing and says so when the status already says it (grant writes then earn no bucket budget)', async () => {
    const { patches, client } = recorder();
    const stored = {
      observedGeneration: 1,
      conditions: [{ ...active, lastTransitionTime: '2026-12-04T00:00:00Z' }],
    };
    assert.equal(
      await writeCondition(client, ref, grant(stored), active, new AbortController().signal),
      false,
    );
    assert.equal(patches.length, 0);
  });
});

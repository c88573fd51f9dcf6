import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAlreadyExists, isConflict, isNotFound, KubeApiError } from '../kube-http.ts';
import type { KubeObject } from '../types.ts';
import { FakeClient, failRequests } from './client.ts';
import { WIDGETS } from './fixtures.ts';
import { eventually, FakeManager } from './manager.ts';
import { FakeSource } from './source.ts';

const widget = (name: string, spec: unknown = { size: 1 }, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { namespace: 'ns', name },
  spec,
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  assert.fail('expected the request to fail');
}

describe('FakeClient', () => {
  it('answers as the apiserver does: 404, 409 AlreadyExists, 409 Conflict on a stale resourceVersion', async () => {
    const client = new FakeClient();
    const created = await client.create(WIDGETS, widget('a'));
    assert.equal(created.metadata?.generation, 1);
    assert.ok(created.metadata?.uid);
    const cases: [string, () => Promise<unknown>, (e: unknown) => boolean][] = [
      ['get missing', () => client.get(WIDGETS, 'ns', 'nope'), isNotFound],
      ['create twice', () => client.create(WIDGETS, widget('a')), isAlreadyExists],
      [
        'stale PUT',
        () =>
          client.replace(WIDGETS, { ...created, metadata: { ...created.metadata, resourceVersion: '1' } }),
        isConflict,
      ],
      [
        'stale merge patch',
        () =>
          client.patch(WIDGETS, 'ns', 'a', 'merge', {
            metadata: { resourceVersion: '1' },
            spec: { size: 2 },
          }),
        isConflict,
      ],
      ['delete with another uid', () => client.delete(WIDGETS, 'ns', 'a', { uid: 'other' }), isConflict],
      ['patch missing', () => client.patchStatus(WIDGETS, 'ns', 'nope', {}), isNotFound],
    ];
    for (const [name, call, is] of cases) {
      const error = await rejection(call());
      assert.ok(error instanceof KubeApiError, name);
      assert.ok(is(error), `${name}: ${String(error)}`);
    }
    assert.deepEqual(client.object(WIDGETS, 'ns', 'a')?.spec, { size: 1 }, 'no failed write landed');
  });

  it('keeps status and the rest apart (status subresource), bumps generation on spec changes only', async () => {
    const client = new FakeClient();
    const created = await client.create(WIDGETS, widget('a', { size: 1 }, { status: { ignored: true } }));
    assert.equal(created.status, undefined, 'a create sets no status');
    const withStatus = await client.patchStatus(WIDGETS, 'ns', 'a', { phase: 'Ready' });
    assert.deepEqual(withStatus.status, { phase: 'Ready' });
    assert.equal(withStatus.metadata?.generation, 1);
    assert.ok(Number(withStatus.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    const replaced = await client.replace(WIDGETS, {
      ...withStatus,
      spec: { size: 2 },
      status: { phase: 'X' },
    });
    assert.deepEqual(replaced.status, { phase: 'Ready' }, 'a main-resource write keeps the status');
    assert.equal(replaced.metadata?.generation, 2);
    const labelled = await client.patch(WIDGETS, 'ns', 'a', 'merge', { metadata: { labels: { a: 'b' } } });
    assert.equal(labelled.metadata?.generation, 2, 'metadata changes do not advance generation');
  });

  it('deletes through finalizers, and lets middleware fail a write before or after it lands', async () => {
    const client = new FakeClient();
    await client.create(
      WIDGETS,
      widget('a', {}, { metadata: { namespace: 'ns', name: 'a', finalizers: ['x'] } }),
    );
    await client.delete(WIDGETS, 'ns', 'a');
    const deleting = client.object(WIDGETS, 'ns', 'a');
    assert.ok(deleting?.metadata?.deletionTimestamp);
    await client.patch(WIDGETS, 'ns', 'a', 'json', [{ op: 'remove', path: '/metadata/finalizers' }]);
    assert.equal(client.object(WIDGETS, 'ns', 'a'), undefined);

    client.use(
      failRequests(
        (r) => r.verb === 'create',
        () => new KubeApiError(500, 'InternalError', 'boom'),
        1,
      ),
    );
    assert.equal(((await rejection(client.create(WIDGETS, widget('b')))) as KubeApiError).status, 500);
    assert.equal(client.object(WIDGETS, 'ns', 'b'), undefined, 'failed before it landed');
    const lose = client.use(async (_req, next) => {
      await next();
      throw new KubeApiError(0, '', 'connection reset');
    });
    await rejection(client.create(WIDGETS, widget('c')));
    lose();
    assert.ok(client.object(WIDGETS, 'ns', 'c'), 'landed, answer lost');
  });
});

describe('FakeSource', () => {
  it('feeds the real informer: synced on the first list, events to handlers, selection applied', async () => {
    const source = new FakeSource({ resource: WIDGETS, selection: { labelSelector: 'team=a' } });
    const seen: string[] = [];
    source.informer.addEventHandler({
      onAdd: (o) => void seen.push(`add ${o.metadata?.name}`),
      onUpdate: (_, o) => void seen.push(`update ${o.metadata?.name}`),
      onDelete: (o) => void seen.push(`delete ${o.metadata?.name}`),
    });
    const a = widget('a', {}, { metadata: { namespace: 'ns', name: 'a', labels: { team: 'a' } } });
    source.sync([a, widget('b')]);
    await source.informer.synced;
    source.update({ ...a, spec: { size: 5 } });
    source.update({ ...a, spec: { size: 5 } }); // unchanged: no event
    source.delete(a);
    assert.deepEqual(seen, ['add a', 'update a', 'delete a']);
    assert.throws(
      () => new FakeSource({ resource: WIDGETS, selection: { labelSelector: 'x in (a)' } }),
      /not supported/,
    );
  });

  it('follows the fake client through the fake manager, and a paused watch holds events back', async () => {
    const mgr = new FakeManager();
    const informer = mgr.informers.informerFor(WIDGETS);
    await mgr.client.create(WIDGETS, widget('a'));
    await eventually(() => assert.ok(informer.get('ns', 'a')));
    mgr.client.pauseWatch();
    await mgr.client.delete(WIDGETS, 'ns', 'a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(informer.get('ns', 'a'), 'the watch has not told the cache yet');
    mgr.client.resumeWatch();
    assert.equal(informer.get('ns', 'a'), undefined);
  });
});

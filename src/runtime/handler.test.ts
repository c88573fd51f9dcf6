import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enqueueMapped, enqueueObject, enqueueOwner, type ObjectEvent } from './handler.ts';
import { allOf, annotationsChanged, anyOf, generationChanged, labelsChanged } from './predicate.ts';
import type { KubeObject, OwnerReference } from './types.ts';

const o = (meta: KubeObject['metadata']): KubeObject => ({
  metadata: { name: 'x', namespace: 'ns', ...meta },
});
const update = (a: KubeObject['metadata'], b: KubeObject['metadata']): ObjectEvent => ({
  type: 'update',
  oldObject: o(a),
  object: o(b),
});
const owner = (kind: string, name: string, apiVersion: string, controller?: boolean): OwnerReference => ({
  apiVersion,
  kind,
  name,
  uid: `uid-${name}`,
  ...(controller === undefined ? {} : { controller }),
});

describe('event mappers', () => {
  it('enqueueObject maps to the object key', () => {
    assert.deepEqual(enqueueObject()({ type: 'create', object: o({}) }), [{ namespace: 'ns', name: 'x' }]);
  });

  it('enqueueOwner picks the matching controller owner by group and kind', () => {
    const refs = [
      owner('Deployment', 'dep', 'apps/v1', true),
      owner('Deployment', 'other-group', 'example.com/v1', true),
      owner('Deployment', 'not-controller', 'apps/v1', false),
      owner('ReplicaSet', 'rs', 'apps/v1', true),
    ];
    const map = enqueueOwner({ group: 'apps', kind: 'Deployment' });
    assert.deepEqual(map({ type: 'create', object: o({ ownerReferences: refs }) }), [
      { namespace: 'ns', name: 'dep' },
    ]);
    const any = enqueueOwner({ group: 'apps', kind: 'Deployment', onlyController: false });
    assert.equal(any({ type: 'delete', object: o({ ownerReferences: refs }) }).length, 2);
  });

  it('enqueueOwner maps both sides of an update (owner changed) and supports cluster-scoped owners', () => {
    const map = enqueueOwner({ group: '', kind: 'Namespace', clusterScoped: true });
    const event = update(
      { ownerReferences: [owner('Namespace', 'a', 'v1', true)] },
      { ownerReferences: [owner('Namespace', 'b', 'v1', true)] },
    );
    assert.deepEqual(map(event), [
      { namespace: '', name: 'a' },
      { namespace: '', name: 'b' },
    ]);
  });

  it('enqueueMapped runs the function on old and new objects', () => {
    const map = enqueueMapped((obj) => [{ namespace: '', name: obj.metadata?.labels?.consumer ?? 'none' }]);
    assert.deepEqual(
      map(update({ labels: { consumer: 'c1' } }, { labels: { consumer: 'c2' } })).map((r) => r.name),
      ['c1', 'c2'],
    );
  });
});

describe('predicates', () => {
  it('generationChanged passes spec changes, drops status-only writes, passes creates and deletes', () => {
    assert.equal(generationChanged(update({ generation: 1 }, { generation: 2 })), true);
    assert.equal(
      generationChanged(
        update({ generation: 1, resourceVersion: '1' }, { generation: 1, resourceVersion: '2' }),
      ),
      false,
    );
    assert.equal(generationChanged({ type: 'create', object: o({}) }), true);
    assert.equal(generationChanged({ type: 'delete', object: o({}) }), true);
  });

  it('labelsChanged and annotationsChanged compare maps, not identity', () => {
    assert.equal(labelsChanged(update({ labels: { a: '1' } }, { labels: { a: '1' } })), false);
    assert.equal(labelsChanged(update({ labels: { a: '1' } }, { labels: { a: '2' } })), true);
    assert.equal(labelsChanged(update({ labels: { a: '1' } }, {})), true);
    assert.equal(labelsChanged(update({}, { labels: {} })), false);
    assert.equal(annotationsChanged(update({ annotations: { a: '' } }, { annotations: { b: '' } })), true);
  });

  it('anyOf/allOf combine', () => {
    const labelOnly = update({ generation: 1, labels: { a: '1' } }, { generation: 1, labels: { a: '2' } });
    assert.equal(anyOf(generationChanged, labelsChanged)(labelOnly), true);
    assert.equal(allOf(generationChanged, labelsChanged)(labelOnly), false);
  });
});

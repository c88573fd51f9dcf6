import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../runtime/index.ts';
import { crdGroupKinds, crdServing, crdSummary, groupKindKey, servingChanged, slimCrd } from './crds.ts';
import { WIDGET_CRD } from './testing.ts';

function crd(
  versions: Record<string, boolean>,
  edit: { established?: boolean; deleting?: boolean; name?: string } = {},
): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: edit.name ?? 'widgets.example.dev',
      uid: 'u1',
      resourceVersion: '7',
      managedFields: [{ manager: 'kubectl' }],
      ...(edit.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: {
      group: 'example.dev',
      scope: 'Namespaced',
      names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
      versions: Object.entries(versions).map(([name, served]) => ({
        name,
        served,
        storage: name === 'v1alpha1',
        schema: { openAPIV3Schema: { type: 'object' } },
      })),
    },
    status: {
      acceptedNames: { kind: 'Widget', plural: 'widgets' },
      storedVersions: ['v1alpha1'],
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts' },
        { type: 'Established', status: edit.established === false ? 'False' : 'True', reason: 'x' },
      ],
    },
  } as KubeObject;
}

describe('CRD summaries', () => {
  it('slims a CRD to what the summary reads, and summarises both the same', () => {
    const full = crd({ v1alpha1: true, v1beta1: true, v1: false });
    const slim = slimCrd(full);
    assert.deepEqual(slim, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.dev', uid: 'u1', resourceVersion: '7' },
      spec: {
        group: 'example.dev',
        scope: 'Namespaced',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          { name: 'v1alpha1', served: true },
          { name: 'v1beta1', served: true },
          { name: 'v1', served: false },
        ],
      },
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    });
    assert.deepEqual(crdSummary(slim), crdSummary(full));
    assert.deepEqual(crdSummary(slim), WIDGET_CRD);
    assert.equal(crdSummary({ metadata: { name: 'broken' } }), undefined);
    assert.deepEqual(crdGroupKinds(slim), ['Widget.example.dev']);
    assert.equal(groupKindKey('', 'ConfigMap'), 'ConfigMap');
  });
});

describe('crdServing', () => {
  it('serves a version the CRD serves once Established, and not while terminating', () => {
    const served = crdServing([crd({ v1alpha1: true, v1beta1: true })], 'example.dev', 'v1beta1', 'Widget');
    assert.deepEqual(served.ref, {
      group: 'example.dev',
      version: 'v1beta1',
      plural: 'widgets',
      namespaced: true,
      kind: 'Widget',
    });
    for (const [objects, version] of [
      [[crd({ v1alpha1: true, v1beta1: false })], 'v1beta1'],
      [[crd({ v1alpha1: true })], 'v9'],
      [[crd({ v1alpha1: true }, { established: false })], 'v1alpha1'],
      [[crd({ v1alpha1: true }, { deleting: true })], 'v1alpha1'],
    ] as const) {
      const answer = crdServing(objects, 'example.dev', version, 'Widget');
      assert.equal(answer.ref, undefined, version);
      assert.equal(answer.crd?.name, 'widgets.example.dev');
    }
  });

  it('has no answer (ask discovery) when no CRD defines the kind', () => {
    assert.deepEqual(crdServing([crd({ v1: true })], 'example.dev', 'v1', 'Gadget'), {
      crd: undefined,
      ref: undefined,
    });
  });

  it('prefers the Established CRD when two claim one kind', () => {
    const loser = crd({ v1: true }, { established: false, name: 'other.example.dev' });
    const answer = crdServing([loser, crd({ v1: true })], 'example.dev', 'v1', 'Widget');
    assert.equal(answer.crd?.name, 'widgets.example.dev');
    assert.equal(answer.ref?.plural, 'widgets');
  });
});

describe('servingChanged', () => {
  it('passes creates, deletes and served/Established changes, not other updates', () => {
    const before = crd({ v1alpha1: true });
    assert.ok(servingChanged({ type: 'create', object: before }));
    assert.ok(servingChanged({ type: 'delete', object: before }));
    const bumped = { ...before, metadata: { ...before.metadata, resourceVersion: '8' } };
    assert.ok(!servingChanged({ type: 'update', oldObject: before, object: bumped }));
    const added = crd({ v1alpha1: true, v1beta1: true });
    assert.ok(servingChanged({ type: 'update', oldObject: before, object: added }));
    const pending = crd({ v1alpha1: true }, { established: false });
    assert.ok(servingChanged({ type: 'update', oldObject: pending, object: before }));
  });
});

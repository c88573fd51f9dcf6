// The local control plane is a real Kubernetes: CRUD and watch, garbage
// collection, namespace deletion, built-in ResourceQuota, and kubectl.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api, type V1ConfigMap, Watch } from '@kubernetes/client-node';
import { eventually, useControlPlane } from '../../support/cluster.ts';

const plane = useControlPlane();
const core = () => plane.current.kubeConfig.makeApiClient(CoreV1Api);
const configMap = (name: string, extra: Partial<V1ConfigMap> = {}): V1ConfigMap => ({
  metadata: { name, ...extra.metadata },
  data: { k: 'v' },
});
const isNotFound = (error: unknown): boolean => (error as { code?: number }).code === 404;

describe('local control plane', () => {
  it('creates, lists, watches and deletes objects in a namespace', async () => {
    const api = core();
    await api.createNamespace({ body: { metadata: { name: 'crud' } } });
    const seen: string[] = [];
    const watch = new Watch(plane.current.kubeConfig);
    const abort = await watch.watch(
      '/api/v1/namespaces/crud/configmaps',
      {},
      (type: string, obj: V1ConfigMap) => seen.push(`${type} ${obj.metadata?.name}`),
      () => {},
    );
    await api.createNamespacedConfigMap({ namespace: 'crud', body: configMap('one') });
    await api.createNamespacedConfigMap({ namespace: 'crud', body: configMap('two') });
    const list = await api.listNamespacedConfigMap({ namespace: 'crud' });
    const names = list.items.map((item) => item.metadata?.name).filter((name) => name !== 'kube-root-ca.crt');
    assert.deepEqual(names.sort(), ['one', 'two']);
    await api.deleteNamespacedConfigMap({ namespace: 'crud', name: 'one' });
    await eventually('the watch to see both adds and the delete', () =>
      ['ADDED one', 'ADDED two', 'DELETED one'].every((event) => seen.includes(event)),
    );
    abort.abort();
    await assert.rejects(api.readNamespacedConfigMap({ namespace: 'crud', name: 'one' }), isNotFound);
  });

  it('garbage-collects a dependent when its owner is deleted', async () => {
    const api = core();
    await api.createNamespace({ body: { metadata: { name: 'gc' } } });
    const owner = await api.createNamespacedConfigMap({ namespace: 'gc', body: configMap('owner') });
    const ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' },
    ];
    await api.createNamespacedConfigMap({
      namespace: 'gc',
      body: configMap('dependent', { metadata: { ownerReferences } }),
    });
    await api.deleteNamespacedConfigMap({ namespace: 'gc', name: 'owner' });
    await eventually(
      'the dependent to be garbage-collected',
      async () => {
        try {
          await api.readNamespacedConfigMap({ namespace: 'gc', name: 'dependent' });
          return false;
        } catch (error) {
          return isNotFound(error);
        }
      },
      90_000,
      250,
    );
  });

  it('completes namespace deletion', async () => {
    const api = core();
    await api.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await api.createNamespacedConfigMap({ namespace: 'doomed', body: configMap('content') });
    await api.deleteNamespace({ name: 'doomed' });
    await eventually(
      'the namespace to be gone',
      async () => {
        try {
          await api.readNamespace({ name: 'doomed' });
          return false;
        } catch (error) {
          return isNotFound(error);
        }
      },
      90_000,
      250,
    );
  });

  it('enforces a built-in ResourceQuota on count/configmaps', async () => {
    const api = core();
    await api.createNamespace({ body: { metadata: { name: 'quota' } } });
    await api.createNamespacedResourceQuota({
      namespace: 'quota',
      body: { metadata: { name: 'one-configmap' }, spec: { hard: { 'count/configmaps': '1' } } },
    });
    // The quota admission plugin needs the controller to have computed usage first
    // (it refuses with "status unknown for quota" before that).
    await eventually('the quota controller to compute usage', async () => {
      const quota = await api.readNamespacedResourceQuota({ namespace: 'quota', name: 'one-configmap' });
      return quota.status?.hard?.['count/configmaps'] === '1';
    });
    // kube-root-ca.crt is not published (no root-ca-cert-publisher), so the first one fits.
    await api.createNamespacedConfigMap({ namespace: 'quota', body: configMap('first') });
    await assert.rejects(
      api.createNamespacedConfigMap({ namespace: 'quota', body: configMap('second') }),
      (error) => {
        const body = String((error as { body?: unknown }).body);
        return (error as { code?: number }).code === 403 && body.includes('exceeded quota');
      },
    );
  });

  it("answers kubectl's get --raw /readyz", async () => {
    const result = await plane.current.kubectl(['get', '--raw', '/readyz']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'ok');
  });
});

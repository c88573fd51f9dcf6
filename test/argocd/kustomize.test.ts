// The two documented ways to install the health checks, run with the project's own kubectl (no
// apiserver needed): the kustomize Component on top of an Argo CD installation, and `kubectl patch`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { load, loadAll } from 'js-yaml';
import { healthKey, PATCH_FILE } from '../../scripts/gen-argocd-cm.ts';
import { kubeBinary } from '../../src/envtest/index.ts';
import { ARGOCD_DIR, healthScript, KINDS } from './fixtures.ts';

const run = promisify(execFile);

// What Argo CD's install.yaml ships: an argocd-cm without namespace (the installer's kustomization sets
// it) and with settings of its own that the patch must keep.
const INSTALL = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
  timeout.reconciliation: 180s
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-rbac-cm
`;

interface ConfigMap {
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
}

function expectedData(): Record<string, string> {
  const data: Record<string, string> = { 'timeout.reconciliation': '180s' };
  for (const kind of KINDS) data[healthKey(kind)] = healthScript(kind);
  return data;
}

describe('installing the argocd-cm patch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'argocd-kustomize-'));
  let kube = '';
  before(async () => {
    kube = await kubeBinary();
    cpSync(ARGOCD_DIR, join(dir, 'quota-health'), { recursive: true });
    mkdirSync(join(dir, 'argocd'));
    writeFileSync(join(dir, 'argocd', 'install.yaml'), INSTALL);
    writeFileSync(join(dir, 'argocd-cm.yaml'), INSTALL.split('---\n')[0] ?? '');
    writeFileSync(
      join(dir, 'argocd', 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: argocd\n' +
        'resources: [install.yaml]\ncomponents: [../quota-health]\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('as a kustomize Component, adds the six health keys to argocd-cm and nothing else', async () => {
    const { stdout } = await run(kube, ['kubectl', 'kustomize', join(dir, 'argocd')], { maxBuffer: 1 << 22 });
    const objects = loadAll(stdout) as ConfigMap[];
    const cm = objects.find((o) => o.metadata.name === 'argocd-cm');
    assert.equal(cm?.metadata.namespace, 'argocd');
    assert.deepEqual(cm?.data, expectedData());
    const rbac = objects.find((o) => o.metadata.name === 'argocd-rbac-cm');
    assert.equal(rbac?.data, undefined);
  });

  it('with kubectl patch --type merge, keeps the existing settings', async () => {
    const { stdout } = await run(
      kube,
      [
        'kubectl',
        'patch',
        '--local',
        '-o',
        'yaml',
        '--type',
        'merge',
        '-f',
        join(dir, 'argocd-cm.yaml'),
        '--patch-file',
        join(dir, 'quota-health', PATCH_FILE),
      ],
      { maxBuffer: 1 << 22 },
    );
    const patched = load(stdout) as ConfigMap;
    assert.equal(patched.metadata.name, 'argocd-cm');
    assert.deepEqual(patched.data, expectedData());
  });
});

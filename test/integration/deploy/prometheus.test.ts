// The kube-state-metrics custom-resource config (config/prometheus): every path it reads exists in the
// CRD schema of its kind, so a renamed status field fails here rather than as a silently missing metric.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import { repoPath } from '../../support/kube.ts';
import { kustomize } from './support.ts';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}
interface Gauge {
  path: string[];
  labelsFromPath?: Record<string, string[]>;
  valueFrom?: string[];
}
interface Resource {
  groupVersionKind: { group: string; version: string; kind: string };
  metricNamePrefix: string;
  labelsFromPath: Record<string, string[]>;
  metrics: { name: string; help: string; each: { type: string; gauge: Gauge } }[];
}

const config = load(readFileSync(repoPath('config/prometheus/kube_state_metrics_config.yaml'), 'utf8')) as {
  kind: string;
  spec: { resources: Resource[] };
};

function crdSchemas(): Map<string, Schema> {
  const dir = repoPath('config/crd/bases');
  const out = new Map<string, Schema>();
  for (const file of readdirSync(dir)) {
    const crd = load(readFileSync(`${dir}/${file}`, 'utf8')) as {
      spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
    };
    const v1alpha1 = crd.spec.versions.find((v) => v.name === 'v1alpha1');
    if (v1alpha1) out.set(crd.spec.names.kind, v1alpha1.schema.openAPIV3Schema);
  }
  return out;
}

/** The schema at `path`, or a message naming the first step that does not exist. */
function walk(schema: Schema, path: readonly string[]): Schema | string {
  let here = schema;
  for (const [i, step] of path.entries()) {
    // metadata is not described in CRD schemas: any field under it is the apiserver's
    if (i === 0 && step === 'metadata') return { type: 'object' };
    const next = here.properties?.[step];
    if (next === undefined) return `no field "${step}" at ${path.slice(0, i).join('.') || '(root)'}`;
    here = next;
  }
  return here;
}

describe('kube-state-metrics custom-resource config', () => {
  const schemas = crdSchemas();

  it('covers the six quota kinds', () => {
    assert.equal(config.kind, 'CustomResourceStateMetrics');
    const kinds = config.spec.resources.map((r) => r.groupVersionKind.kind).sort();
    assert.deepEqual(kinds, [...schemas.keys()].sort());
  });

  it('reads only fields the CRDs define, with numbers where it wants a value', () => {
    for (const resource of config.spec.resources) {
      const { kind } = resource.groupVersionKind;
      const schema = schemas.get(kind);
      assert.ok(schema, `no CRD for ${kind}`);
      const check = (where: Schema, path: readonly string[], what: string): Schema => {
        const found = walk(where, path);
        assert.ok(typeof found !== 'string', `${kind} ${what} [${path.join(', ')}]: ${found}`);
        return found;
      };
      for (const [label, path] of Object.entries(resource.labelsFromPath))
        check(schema, path, `label ${label}`);
      for (const metric of resource.metrics) {
        assert.match(metric.name, /^[a-z_]+$/);
        assert.ok(metric.help.length > 0);
        const at = check(schema, metric.each.gauge.path, `metric ${metric.name}`);
        if (metric.each.gauge.valueFrom === undefined) {
          assert.equal(at.type, 'integer', `${kind} ${metric.name} must read a number`);
          continue;
        }
        // a list (conditions): labels and value come from each item
        assert.equal(at.type, 'array', `${kind} ${metric.name}`);
        const item = at.items ?? {};
        check(item, metric.each.gauge.valueFrom, `metric ${metric.name} valueFrom`);
        for (const [label, path] of Object.entries(metric.each.gauge.labelsFromPath ?? {})) {
          check(item, path, `metric ${metric.name} label ${label}`);
        }
      }
    }
  });

  it('the check itself catches a renamed field', () => {
    const bucket = schemas.get('AllowanceBucket');
    assert.ok(bucket);
    assert.equal(typeof walk(bucket, ['status', 'limit']), 'object');
    assert.match(String(walk(bucket, ['status', 'limits'])), /no field "limits" at status/);
  });

  it('renders with kustomize (ConfigMap and RBAC for kube-state-metrics)', async () => {
    const objects = await kustomize('config/prometheus');
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap']);
  });
});

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
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}
interface Gauge {
  path: string[];
  labelsFromPath?: Record<string, string[]>;
  valueFrom?: string[];
  nilIsZero?: boolean;
}
type Each =
  | { type: 'Gauge'; gauge: Gauge }
  | { type: 'Info'; info: { labelsFromPath: Record<string, string[]> } };
interface Resource {
  groupVersionKind: { group: string; version: string; kind: string };
  metricNamePrefix: string;
  commonLabels: Record<string, string>;
  labelsFromPath: Record<string, string[]>;
  metrics: { name: string; help: string; each: Each }[];
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

/** The object metadata fields the config reads (CRD schemas do not describe metadata: the apiserver's). */
const METADATA: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    namespace: { type: 'string' },
    uid: { type: 'string' },
    generation: { type: 'integer' },
  },
};

/** The schema at `path`, or a message naming the first step that does not exist. */
function walk(schema: Schema, path: readonly string[]): Schema | string {
  let here = schema;
  for (const [i, step] of path.entries()) {
    const next = i === 0 && step === 'metadata' ? METADATA : here.properties?.[step];
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
        const { each } = metric;
        if (each.type === 'Info') {
          assert.equal(metric.name, 'info', `${kind}: Info families are *_info`);
          for (const [label, path] of Object.entries(each.info.labelsFromPath))
            check(schema, path, `metric ${metric.name} label ${label}`);
          continue;
        }
        assert.equal(each.type, 'Gauge', `${kind} ${metric.name}`);
        const at = check(schema, each.gauge.path, `metric ${metric.name}`);
        if (each.gauge.valueFrom === undefined) {
          // kube-state-metrics reads numbers, booleans (1/0) and RFC 3339 times (Unix seconds)
          const numeric =
            at.type === 'integer' ||
            at.type === 'boolean' ||
            (at.type === 'string' && at.format === 'date-time');
          assert.ok(numeric, `${kind} ${metric.name} must read a number, a boolean or a date-time`);
          continue;
        }
        // a list (conditions): labels and value come from each item
        assert.equal(at.type, 'array', `${kind} ${metric.name}`);
        const item = at.items ?? {};
        check(item, each.gauge.valueFrom, `metric ${metric.name} valueFrom`);
        for (const [label, path] of Object.entries(each.gauge.labelsFromPath ?? {})) {
          check(item, path, `metric ${metric.name} label ${label}`);
        }
      }
    }
  });

  it("uses Milo's labels (name, namespace, component=quota_system, conditions by type and status) and zeros", () => {
    for (const resource of config.spec.resources) {
      const { kind } = resource.groupVersionKind;
      assert.deepEqual(resource.commonLabels, { component: 'quota_system' }, kind);
      assert.deepEqual(resource.labelsFromPath.name, ['metadata', 'name'], kind);
      const namespaced = ['AllowanceBucket', 'ResourceClaim', 'ResourceGrant'].includes(kind);
      assert.equal('namespace' in resource.labelsFromPath, namespaced, `${kind} namespace label`);
      for (const { name, each } of resource.metrics) {
        // as upstream's `has(object.status.x) ? ... : 0.0`: a status field not yet written is 0
        if (each.type === 'Gauge' && each.gauge.path[0] === 'status' && each.gauge.valueFrom === undefined)
          assert.equal(each.gauge.nilIsZero, true, `${kind} ${name}: set nilIsZero`);
        if (name !== 'status_condition') continue;
        assert.ok(each.type === 'Gauge');
        assert.deepEqual(Object.keys(each.gauge.labelsFromPath ?? {}).sort(), [
          'condition',
          'reason',
          'status',
          'type',
        ]);
      }
    }
  });

  it('the check itself catches a renamed field', () => {
    const bucket = schemas.get('AllowanceBucket');
    assert.ok(bucket);
    assert.equal(typeof walk(bucket, ['status', 'limit']), 'object');
    assert.match(String(walk(bucket, ['status', 'limits'])), /no field "limits" at status/);
    assert.equal(walk(bucket, ['metadata', 'generation']), METADATA.properties?.generation);
    assert.match(String(walk(bucket, ['metadata', 'generations'])), /no field "generations" at metadata/);
  });

  it('renders with kustomize (ConfigMap and RBAC for kube-state-metrics)', async () => {
    const objects = await kustomize('config/prometheus');
    assert.deepEqual(objects.map((o) => o.kind).sort(), ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_AMOUNT } from './amount.ts';
import { buildCrd, type KindDefinition } from './crd.ts';
import { KIND_DEFINITIONS, kindDefinition } from './kinds.ts';
import type { JsonSchema } from './schema/builder.ts';

// Names and short names kubectl resolves to built-in resources (Kubernetes 1.36), which ours must not shadow.
const BUILTIN = new Set(
  'all cm cs ds ep ev hpa ing limits netpol no ns pdb po pv pvc quota rc rs sa sc sts svc crd crds csr pc cj deploy vac ' +
    'configmaps secrets pods services nodes namespaces events resourcequotas replicationcontrollers ' +
    'resourceclaims resourceclaimtemplates resourceslices deviceclasses leases jobs cronjobs deployments',
);

function walk(schema: JsonSchema, path: string, visit: (s: JsonSchema, path: string) => void): void {
  visit(schema, path);
  for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v, `${path}.${k}`, visit);
  if (schema.items !== undefined) walk(schema.items, `${path}[]`, visit);
}

const rootOf = (def: KindDefinition) => buildCrd(def).spec.versions[0]?.schema.openAPIV3Schema as JsonSchema;

describe('generated CRDs', () => {
  for (const def of KIND_DEFINITIONS) {
    describe(def.kind, () => {
      const crd = buildCrd(def);
      const version = crd.spec.versions[0];

      it('serves v1alpha1 with a status subresource, the milo-quota category and an Age column', () => {
        assert.equal(crd.metadata.name, `${def.plural}.quota.miloapis.com`);
        assert.deepEqual(version?.subresources, { status: {} });
        assert.deepEqual(crd.spec.names.categories, ['milo-quota']);
        assert.equal(version?.additionalPrinterColumns.at(-1)?.name, 'Age');
      });

      it('has short names that shadow no built-in resource', () => {
        assert.ok(crd.spec.names.shortNames.length > 0);
        for (const n of [...crd.spec.names.shortNames, ...crd.spec.names.categories]) {
          assert.equal(BUILTIN.has(n), false, `${n} shadows a built-in name`);
        }
      });

      it('caps every int64 amount at 2^53-1', () => {
        walk(rootOf(def), '', (s, path) => {
          if (s.format !== 'int64' || /[Gg]eneration$/.test(path)) return;
          assert.equal(s.maximum, MAX_AMOUNT, `${def.kind}${path} has no 2^53-1 maximum`);
        });
      });

      it('keeps conditions as a list-map keyed by type with a reason rule', () => {
        const conditions = rootOf(def).properties?.status?.properties?.conditions;
        if (def.kind === 'AllowanceBucket') return assert.equal(conditions, undefined);
        assert.equal(conditions?.['x-kubernetes-list-type'], 'map');
        assert.deepEqual(conditions?.['x-kubernetes-list-map-keys'], ['type']);
        assert.ok((conditions?.['x-kubernetes-validations']?.length ?? 0) >= 1);
      });

      it('selects only fields that exist in the schema', () => {
        for (const f of def.selectableFields) {
          let node: JsonSchema | undefined = rootOf(def);
          for (const part of f.slice(1).split('.')) node = node?.properties?.[part];
          assert.ok(node?.type === 'string' || node?.type === 'boolean', `${f} is not a scalar field`);
        }
      });
    });
  }

  it('shows the columns SPEC §3 asks for on buckets and claims', () => {
    const cols = (kind: 'AllowanceBucket' | 'ResourceClaim') =>
      kindDefinition(kind)
        .printerColumns.filter((c) => c.priority === undefined)
        .map((c) => c.name);
    for (const c of ['Consumer', 'Resource Type', 'Limit', 'Allocated', 'Available']) {
      assert.ok(cols('AllowanceBucket').includes(c), c);
    }
    for (const c of ['Consumer', 'Granted', 'Reason']) assert.ok(cols('ResourceClaim').includes(c), c);
  });

  it('defaults a new claim to Granted=False/PendingEvaluation, as Milo does', () => {
    const status = rootOf(kindDefinition('ResourceClaim')).properties?.status;
    const def = status?.default as
      | { conditions: { type: string; status: string; reason: string }[] }
      | undefined;
    assert.deepEqual(
      def?.conditions.map((c) => [c.type, c.status, c.reason]),
      [['Granted', 'False', 'PendingEvaluation']],
    );
  });
});

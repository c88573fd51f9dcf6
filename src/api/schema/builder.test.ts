import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { array, enumOf, type Infer, int64, object, optional, refine, string, stringMap } from './builder.ts';

const sample = object(
  {
    name: string({ description: 'a name', minLength: 1 }),
    size: optional(int64({ minimum: 0, maximum: 10 })),
    mode: enumOf(['A', 'B'] as const),
    tags: optional(stringMap()),
    items: array(object({ x: string() }), { minItems: 1, listType: 'map', listMapKeys: ['x'] }),
  },
  { description: 'sample', rules: [{ rule: 'true' }] },
);

type Sample = Infer<typeof sample>;

describe('schema builder', () => {
  it('lists only non-optional properties as required', () => {
    assert.deepEqual(sample.json.required, ['name', 'mode', 'items']);
    assert.deepEqual(Object.keys(sample.json.properties ?? {}), ['name', 'size', 'mode', 'tags', 'items']);
  });

  it('emits Kubernetes extensions and bounds with their OpenAPI spelling', () => {
    const items = sample.json.properties?.items;
    assert.equal(items?.['x-kubernetes-list-type'], 'map');
    assert.deepEqual(items?.['x-kubernetes-list-map-keys'], ['x']);
    assert.equal(items?.minItems, 1);
    assert.deepEqual(sample.json.properties?.size, {
      type: 'integer',
      format: 'int64',
      minimum: 0,
      maximum: 10,
    });
    assert.deepEqual(sample.json['x-kubernetes-validations'], [{ rule: 'true' }]);
    assert.deepEqual(sample.json.properties?.tags?.additionalProperties, { type: 'string' });
  });

  it('derives the TypeScript type from the same description', () => {
    // Compile-time checks: a wrong shape here fails `tsc`, which the test suite runs.
    const ok: Sample = { name: 'n', mode: 'A', items: [{ x: 'a' }] };
    // @ts-expect-error mode must be one of the enum values
    const badEnum: Sample = { name: 'n', mode: 'C', items: [] };
    // @ts-expect-error name is required
    const missing: Sample = { mode: 'A', items: [] };
    assert.ok(ok && badEnum && missing);
  });

  it('refine adds rules without dropping existing ones', () => {
    const r = refine(sample, { rules: [{ rule: 'false', message: 'no' }] });
    assert.equal(r.json['x-kubernetes-validations']?.length, 2);
    assert.equal(sample.json['x-kubernetes-validations']?.length, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compactFields, Interner, MAX_SHARED_JSON } from './intern.ts';

// Strings built at run time, so the engine's own literal table cannot make them one copy already.
const fresh = (s: string) => [...s].join('');

describe('Interner', () => {
  it('gives one copy of equal strings and equal JSON values, deep-frozen, equal to the input', () => {
    const interner = new Interner();
    const a = { apiGroup: fresh('resourcemanager.miloapis.com'), kind: 'Organization', name: 'org-1' };
    const b = JSON.parse(JSON.stringify(a)) as typeof a;
    const sa = interner.value(a);
    const sb = interner.value(b);
    assert.equal(sa, sb);
    assert.notEqual(sa, a, 'the input is copied, never frozen in place');
    assert.deepEqual(sa, a);
    assert.ok(Object.isFrozen(sa));
    const list = interner.value([{ resourceType: 'x', amount: 1 }]);
    assert.ok(Object.isFrozen(list) && Object.isFrozen(list[0]));
    assert.throws(() => {
      (sa as { name: string }).name = 'other';
    }, TypeError);
    assert.equal(
      interner.string(fresh('scale.example.com/r')),
      interner.string(fresh('scale.example.com/r')),
    );
  });

  it('keeps values that differ in content or key order apart', () => {
    const interner = new Interner();
    const one = interner.value({ a: 1, b: 2 });
    assert.notEqual(interner.value({ a: 1, b: 3 }), one);
    const reordered = interner.value({ b: 2, a: 1 });
    assert.deepEqual(Object.keys(reordered), ['b', 'a']);
    assert.equal(interner.value({ a: 1, b: 2 }), one);
  });

  it('tells apart values whose JSON text would run together or differ only in type', () => {
    const interner = new Interner();
    const pairs: [unknown, unknown][] = [
      [
        ['ab', 'c'],
        ['a', 'bc'],
      ],
      [{ n: 1 }, { n: '1' }],
      [{ n: 1.5 }, { n: 2.5 }],
      [{ b: true }, { b: 'true' }],
      [[null], [0]],
      [{ a: { b: 1 } }, { a: [1] }],
    ];
    for (const [a, b] of pairs) {
      assert.deepEqual(interner.value(b), b);
      assert.notEqual(interner.value(a), interner.value(b), JSON.stringify([a, b]));
      assert.equal(interner.value(JSON.parse(JSON.stringify(a))), interner.value(a), 'equal values share');
    }
  });

  it('passes large values through unshared, and starts its tables over when full', () => {
    const interner = new Interner(4);
    const big = { blob: 'x'.repeat(MAX_SHARED_JSON) };
    assert.equal(interner.value(big), big);
    const many = Array.from({ length: MAX_SHARED_JSON / 2 }, (_, i) => i); // its JSON is longer than the limit
    assert.equal(interner.value(many), many);
    assert.equal(interner.size.values, 0);
    const small = Array.from({ length: 100 }, (_, i) => i);
    assert.notEqual(interner.value(small), small, 'a small value is shared (a frozen copy)');
    for (let i = 0; i < 10; i++) interner.value({ i });
    for (let i = 0; i < 10; i++) interner.string(`s-${i}`);
    assert.ok(interner.size.values <= 4 && interner.size.strings <= 4, JSON.stringify(interner.size));
  });

  it("compactFields shares every field but the object's own ones", () => {
    const interner = new Interner();
    const own = new Set(['resourceRef']);
    const spec = () => ({
      consumerRef: { kind: 'Organization', name: 'o' },
      requests: [{ resourceType: 't', amount: 1 }],
      resourceRef: { kind: 'Project', name: 'p' },
    });
    const [x, y] = [compactFields(spec(), own, interner), compactFields(spec(), own, interner)];
    assert.deepEqual(x, spec());
    assert.equal(x.consumerRef, y.consumerRef);
    assert.equal(x.requests, y.requests);
    assert.notEqual(x.resourceRef, y.resourceRef);
    assert.ok(!Object.isFrozen(x.resourceRef));
  });
});

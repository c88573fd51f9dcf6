import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RANGE_FN, STEP_FN } from './cost.ts';
import { DECLARATIONS } from './declarations.ts';
import { createEnvironment } from './environment.ts';
import { resolveCall, SIGNATURES } from './signatures.ts';
import { formatType, T } from './types.ts';

/** The checker (signatures.ts) and the runtime (functions.ts), both built from declarations.ts, agree. */
describe('checker signatures match the runtime functions', () => {
  const runtime = [...createEnvironment('GrantCreationPolicy').cel.funcs];
  const internal = new Set([RANGE_FN, STEP_FN]);
  // Evaluated by the library's planner itself (or a macro), never looked up as functions.
  const plannerBuiltins = new Set(DECLARATIONS.filter((d) => d.runtime === 'none').map((d) => d.name));

  it('every runtime function is known to the checker', () => {
    const missing = runtime.filter((f) => !internal.has(f.name) && !SIGNATURES.has(f.name)).map((f) => f.id);
    assert.deepEqual(missing, []);
  });

  it('every checker function exists at runtime', () => {
    const names = new Set(runtime.map((f) => f.name));
    const missing = [...SIGNATURES.keys()].filter((n) => !plannerBuiltins.has(n) && !names.has(n));
    assert.deepEqual(missing, []);
  });

  it('every listed overload has a runtime overload of the same call style and arity, and back', () => {
    const style = (target: unknown, arity: number) =>
      `${target === undefined ? 'global' : 'member'}/${arity}`;
    for (const [name, signature] of SIGNATURES) {
      if (typeof signature === 'function' || plannerBuiltins.has(name)) continue;
      const runtimeStyles = new Set(
        runtime.filter((f) => f.name === name).map((f) => style(f.target, f.arguments.length)),
      );
      const checkerStyles = new Set(signature.map((o) => style(o.target, o.args.length)));
      assert.deepEqual([...checkerStyles].sort(), [...runtimeStyles].sort(), name);
    }
  });

  it('declares each function once (a member form apart from its global form at most)', () => {
    const keys = DECLARATIONS.map((d) => `${d.name}${d.member ? ' (member)' : ''}`);
    assert.deepEqual(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      [],
    );
  });

  it('registers each own overload at runtime with the declared call style and arity', () => {
    for (const d of DECLARATIONS) {
      if (d.runtime !== 'own' || typeof d.signature === 'function') continue;
      const runtimeOverloads = runtime.filter((f) => f.name === d.name && f.target !== undefined);
      for (const o of d.signature)
        assert.ok(
          runtimeOverloads.some((f) => f.arguments.length === o.args.length),
          `${d.name}/${o.args.length}`,
        );
    }
  });

  it('resolves common calls', () => {
    const show = (r: ReturnType<typeof resolveCall>) => (typeof r === 'string' ? r : formatType(r));
    assert.equal(show(resolveCall('_+_', undefined, [T.string, T.dyn])), 'string');
    assert.equal(show(resolveCall('_+_', undefined, [T.dyn, T.dyn])), 'dyn');
    assert.equal(show(resolveCall('size', T.string, [])), 'int');
    assert.equal(show(resolveCall('has', T.dyn, [T.string])), 'bool');
    assert.equal(show(resolveCall('_[_]', undefined, [T.list(T.string), T.int])), 'string');
    assert.match(show(resolveCall('nope', undefined, [])), /undeclared function 'nope'/);
  });
});

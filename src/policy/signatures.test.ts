import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RANGE_FN, STEP_FN } from './cost.ts';
import { createEnvironment } from './environment.ts';
import { resolveCall, SIGNATURES } from './signatures.ts';
import { formatType, T } from './types.ts';

/** The checker (signatures.ts) and the runtime (functions.ts) must describe the same functions. */
describe('checker signatures match the runtime functions', () => {
  const runtime = [...createEnvironment('GrantCreationPolicy').cel.funcs];
  const internal = new Set([RANGE_FN, STEP_FN]);
  // Evaluated by the library's planner itself, never looked up as functions.
  const plannerBuiltins = new Set(['_&&_', '_||_', '@not_strictly_false', '_?_:_', '_[_]']);

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

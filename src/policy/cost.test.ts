import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, evaluateExpression } from './compile.ts';
import { metered } from './cost.ts';
import { bindVariables, createEnvironment } from './environment.ts';
import { PolicyError } from './errors.ts';

const big = Array.from({ length: 5000 }, (_, i) => i);
const long = 'x'.repeat(200_000);
const trigger = { spec: { big, long, small: [1, 2, 3] } };
const vars = bindVariables('GrantCreationPolicy', { trigger });

function evaluate(source: string, costLimit?: number) {
  const env = createEnvironment('GrantCreationPolicy', { costLimit });
  return evaluateExpression(compileExpression(env, source, 'spec.x'), vars);
}

function exceeds(source: string, costLimit?: number): void {
  assert.throws(
    () => evaluate(source, costLimit),
    (e: unknown) =>
      e instanceof PolicyError &&
      e.code === 'cost' &&
      e.path === 'spec.x' &&
      e.message.includes(`exceeded the cost limit of ${costLimit ?? 1_000_000}`),
  );
}

describe('cost limit', () => {
  it('cheap expressions pass under the default limit', () => {
    assert.equal(evaluate('trigger.spec.small.exists(x, x == 3)'), true);
    assert.equal(evaluate('trigger.spec.big.exists(x, x == 2999)'), true);
  });

  it('nested comprehensions over a large list exceed the default limit (1,000,000)', () => {
    exceeds('trigger.spec.big.all(x, trigger.spec.big.exists(y, y == x))');
    exceeds('size(trigger.spec.big.map(x, trigger.spec.big.map(y, y))) > 0', 100_000);
  });

  it('an early exit of the inner loop does not hide the cost of its range', () => {
    // Each inner exists stops at once, but starting it over 5000 elements is charged every time.
    // Without the range charge this would be 5000 cheap steps; with it, 5000 x 501 units.
    exceeds('trigger.spec.big.all(x, trigger.spec.big.exists(y, true))', 100_000);
  });

  it('string growth is charged by size: replace("", s) on a long string stops at the limit', () => {
    exceeds('size(trigger.spec.long.replace("", trigger.spec.long)) > 0');
    exceeds('size(trigger.spec.big.map(x, trigger.spec.long + trigger.spec.long)) > 0');
  });

  it('errors swallowed by || do not hide an overrun', () => {
    exceeds('false || trigger.spec.big.all(x, trigger.spec.big.exists(y, y == x))', 100_000);
    exceeds('trigger.spec.big.all(x, trigger.spec.big.exists(y, y == x)) || true', 100_000);
  });

  it('a configurable limit: the same expression passes or fails around its cost', () => {
    const source = 'trigger.spec.small.map(x, x * 2).size() == 3';
    const env = createEnvironment('GrantCreationPolicy');
    const compiled = compileExpression(env, source, 'spec.x');
    const { spent } = metered(1_000_000, () => compiled.run(vars.values));
    assert.ok(spent > 0);
    assert.equal(evaluate(source, spent), true);
    exceeds(source, spent - 1);
  });

  it('rejects a non-positive limit', () => {
    assert.throws(() => createEnvironment('GrantCreationPolicy', { costLimit: 0 }), PolicyError);
  });
});

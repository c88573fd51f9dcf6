// The YAML → Lua bridge of the health tests: values must reach the script exactly as Argo CD would
// hand them over, or the health tests prove nothing. Checked through the real lua5.1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLuaLiteral } from './lua-literal.ts';
import { luaUnavailable, runHealthScript } from './lua-runner.ts';

const missingLua = luaUnavailable();

/** Runs a script body that computes `message` from `obj`, returning that message. */
function evalMessage(obj: unknown, expression: string): string {
  if (missingLua !== undefined) assert.fail(missingLua);
  return runHealthScript(`return { status = "Healthy", message = ${expression} }`, obj).message;
}

describe('toLuaLiteral under lua5.1', () => {
  const strings = [
    'plain',
    'quotes " and \' and \\ backslash',
    'line\nbreaks\r\nand\ttabs',
    'nul \u0000 byte',
    'long brackets ]] [[ ]=] --[[ x',
    'UTF-8: organisation «acme» 日本 ✓ 🚀',
    '',
  ];
  for (const s of strings) {
    it(`round-trips ${JSON.stringify(s)}`, () => {
      assert.equal(evalMessage({ s }, 'obj.s'), s);
    });
  }

  it('builds maps, sequences, booleans, numbers and drops nulls like Argo CD', () => {
    const obj = {
      metadata: { 'app.kubernetes.io/name': 'x', generation: 3 },
      list: ['a', 'b', 'c'],
      flag: false,
      big: 9007199254740991,
      half: 0.5,
      gone: null,
    };
    const expression = `obj.metadata["app.kubernetes.io/name"] .. #obj.list .. obj.list[2] .. tostring(obj.flag)
      .. tostring(obj.big == 9007199254740991) .. tostring(obj.half * 4) .. tostring(obj.gone) .. obj.metadata.generation`;
    assert.equal(evalMessage(obj, expression), 'x3bfalsetrue2nil3');
  });

  it('rejects values Kubernetes JSON cannot hold, naming the field', () => {
    assert.throws(
      () => toLuaLiteral({ status: { t: new Date(0) } }),
      /obj\.status\.t: .*Date \(quote timestamps/,
    );
    assert.throws(() => toLuaLiteral({ a: [1, Number.POSITIVE_INFINITY] }), /obj\.a\[1\]: Infinity/);
  });
});

describe('the health-script sandbox', () => {
  it('refuses string methods, as Argo CD does without the string library', () => {
    if (missingLua !== undefined) assert.fail(missingLua);
    assert.throws(
      () => runHealthScript('return { status = ("x"):upper() }', {}),
      /without the string library/,
    );
    assert.throws(() => runHealthScript('return { status = string.upper("x") }', {}), /global 'string'/);
    assert.throws(() => runHealthScript('return { status = table.concat({}) }', {}), /global 'table'/);
  });

  it('rejects results Argo CD could not read', () => {
    if (missingLua !== undefined) assert.fail(missingLua);
    assert.throws(() => runHealthScript('return "Healthy"', {}), /returned string, not a table/);
    assert.throws(
      () => runHealthScript('return { status = "Healthy", message = 3 }', {}),
      /hs\.message is number/,
    );
    assert.throws(() => runHealthScript('return {', {}), /syntax error/);
  });
});

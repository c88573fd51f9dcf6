import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CelValue } from '@bufbuild/cel';
import { compileExpression, evaluateExpression } from './compile.ts';
import { bindVariables, createEnvironment } from './environment.ts';
import { PolicyError } from './errors.ts';

const env = createEnvironment('GrantCreationPolicy');
const vars = bindVariables('GrantCreationPolicy', { trigger: { s: 'héllo wörld 😀!' } });
const run = (source: string): CelValue => evaluateExpression(compileExpression(env, source, 'f'), vars);

/** Values follow cel-go's ext.Strings (code-point indexes, Go's Replace/SplitN counts). */
describe('string extension functions', () => {
  const cases: Record<string, [string, CelValue]> = {
    'charAt counts code points': ['trigger.s.charAt(12)', '😀'],
    'charAt at the end is empty': ['"abc".charAt(3)', ''],
    'indexOf after an astral character': ['trigger.s.indexOf("!")', 13n],
    'indexOf from an offset': ['"abcabc".indexOf("b", 2)', 4n],
    'indexOf of empty is the start': ['"abc".indexOf("", 2)', 2n],
    'indexOf not found': ['"abc".indexOf("z")', -1n],
    lastIndexOf: ['"abcabc".lastIndexOf("b")', 4n],
    'lastIndexOf up to an offset': ['"abcabc".lastIndexOf("b", 3)', 1n],
    'lowerAscii leaves non-ASCII alone': ['"ÀBC".lowerAscii()', 'Àbc'],
    'upperAscii leaves non-ASCII alone': ['"àbc".upperAscii()', 'àBC'],
    'replace all': ['"aaa".replace("a", "b")', 'bbb'],
    'replace n': ['"aaa".replace("a", "b", 2)', 'bba'],
    'replace negative n means all': ['"aaa".replace("a", "b", -1)', 'bbb'],
    'replace zero n': ['"aaa".replace("a", "b", 0)', 'aaa'],
    'replace empty old': ['"ab".replace("", "-")', '-a-b-'],
    'replace empty old, n': ['"ab".replace("", "-", 2)', '-a-b'],
    'split all': ['"a-b-c".split("-")', ['a', 'b', 'c'] as unknown as CelValue],
    'split n keeps the rest': ['"a-b-c".split("-", 2)', ['a', 'b-c'] as unknown as CelValue],
    'split zero': ['size("a-b".split("-", 0))', 0n],
    'split empty separator': ['"ab😀".split("").join(",")', 'a,b,😀'],
    'substring by code points': ['trigger.s.substring(12, 13)', '😀'],
    'trim unicode space': ['"\\u00a0 x \\u3000".trim()', 'x'],
    reverse: ['"ab😀".reverse()', '😀ba'],
    'join without separator': ['["a", "b"].join()', 'ab'],
    'size counts code points too': ['size(trigger.s)', 14n],
  };
  for (const [name, [source, expected]] of Object.entries(cases)) {
    it(name, () => {
      const value = run(source);
      assert.deepEqual(Array.isArray(expected) ? [...(value as Iterable<CelValue>)] : value, expected);
    });
  }

  const errors: Record<string, string> = {
    'charAt out of range': '"abc".charAt(4)',
    'substring start after end': '"abc".substring(2, 1)',
    'substring out of range': '"abc".substring(0, 9)',
    'join of non-strings (only known at runtime)': 'dyn([1, 2]).join(",")',
  };
  for (const [name, source] of Object.entries(errors)) {
    it(`${name} is an evaluation error`, () => {
      assert.throws(
        () => run(source),
        (e: unknown) => e instanceof PolicyError && e.code === 'evaluation',
      );
    });
  }
});

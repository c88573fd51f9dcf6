import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isTemplated } from '../api/index.ts';
import { PolicyError } from './errors.ts';
import { splitTemplate } from './split.ts';

type Piece = string | { expr: string; at: number };

/** Expected segments: plain strings are literal text, `{ expr, at }` an expression starting at offset `at`. */
function pieces(text: string): Piece[] {
  return splitTemplate(text).map((s) => (s.kind === 'literal' ? s.text : { expr: s.source, at: s.offset }));
}

describe('splitTemplate', () => {
  const ok: Record<string, [string, Piece[]]> = {
    'empty string': ['', []],
    'plain literal': ['milo-system', ['milo-system']],
    'one expression': ['{{trigger.metadata.name}}', [{ expr: 'trigger.metadata.name', at: 2 }]],
    'expression with suffix': [
      '{{trigger.metadata.name}}-quota',
      [{ expr: 'trigger.metadata.name', at: 2 }, '-quota'],
    ],
    'blanks trimmed': ['a-{{  user.name \t}}', ['a-', { expr: 'user.name', at: 6 }]],
    'leading dot stripped': [
      'auto-grant-{{.trigger.metadata.name}}',
      ['auto-grant-', { expr: 'trigger.metadata.name', at: 14 }],
    ],
    'leading dot after blanks': ['{{ .trigger.x }}', [{ expr: 'trigger.x', at: 4 }]],
    'dot before digit kept': ['{{.5}}', [{ expr: '.5', at: 2 }]],
    'adjacent expressions': [
      '{{a}}{{b}}',
      [
        { expr: 'a', at: 2 },
        { expr: 'b', at: 7 },
      ],
    ],
    'mixed literals and expressions': [
      'project-{{trigger.metadata.namespace}}-{{user.name}}-claim',
      [
        'project-',
        { expr: 'trigger.metadata.namespace', at: 10 },
        '-',
        { expr: 'user.name', at: 41 },
        '-claim',
      ],
    ],
    'closing braces inside double quotes': ['{{"{{literal}}"}}', [{ expr: '"{{literal}}"', at: 2 }]],
    'closing braces inside single quotes': ["{{ 'a}}b' + x }}", [{ expr: "'a}}b' + x", at: 3 }]],
    'escaped quote inside string': ['{{ "a\\"}}" }}', [{ expr: '"a\\"}}"', at: 3 }]],
    'escaped backslash ends string': ['{{ "a\\\\" }}x', [{ expr: '"a\\\\"', at: 3 }, 'x']],
    'other quote kind inside string': [`{{ "it's}}" }}`, [{ expr: `"it's}}"`, at: 3 }]],
    'triple-quoted string': ['{{ """a"}}b""" }}', [{ expr: '"""a"}}b"""', at: 3 }]],
    'raw string keeps backslash': ['{{ r"a\\" }}', [{ expr: 'r"a\\"', at: 3 }]],
    'map literal inside expression': [
      "{{ {'a': {'b': 'x'}}['a']['b'] }}",
      [{ expr: "{'a': {'b': 'x'}}['a']['b']", at: 3 }],
    ],
    'three braces are literal': ['{{{not valid}}}', ['{{{not valid}}}']],
    'four braces are literal': ['x{{{{y}}}}', ['x{{{{y}}}}']],
    'single braces are literal': ['{a} }', ['{a} }']],
    'lone closing braces are literal': ['a}}b', ['a}}b']],
    'extra closing brace after expression': ['{{x}}}', [{ expr: 'x', at: 2 }, '}']],
  };
  for (const [name, [text, expected]] of Object.entries(ok)) {
    it(name, () => assert.deepEqual(pieces(text), expected));
  }

  const bad: Record<string, [string, number, string]> = {
    'unmatched open': ['name-{{trigger.metadata.name', 5, "unmatched '{{'"],
    'single closing brace': ['{{expr}', 0, "unmatched '{{'"],
    'unterminated string hides the close': ['{{ "abc }}', 0, "unmatched '{{'"],
    'second expression unmatched': ['{{a}}-{{b', 6, "unmatched '{{'"],
    'empty expression': ['a{{}}', 1, 'empty expression'],
    'blank expression': ['{{   }}', 0, 'empty expression'],
  };
  for (const [name, [text, offset, fragment]] of Object.entries(bad)) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => splitTemplate(text, 'metadata.name'),
        (error: unknown) =>
          error instanceof PolicyError &&
          error.code === 'syntax' &&
          error.path === 'metadata.name' &&
          error.offset === offset &&
          error.message.startsWith('metadata.name: ') &&
          error.message.includes(fragment) &&
          error.message.includes(`offset ${offset} (0-based)`),
      );
    });
  }

  it("agrees with src/api's isTemplated, which decides which literal values get name rules", () => {
    const alphabet = fc.constantFrom('{', '}', '"', 'a', ' ', '.');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 30 }), (text) => {
        let templated: boolean;
        try {
          templated = splitTemplate(text).some((s) => s.kind === 'expression');
        } catch {
          templated = true; // an unmatched or empty {{ }} is the splitter's to report
        }
        assert.equal(isTemplated(text), templated, text);
      }),
    );
  });

  it('never throws anything but PolicyError, and literal pieces reassemble the text', () => {
    const alphabet = fc.constantFrom('{', '}', '"', "'", '\\', '.', 'a', ' ', 'r', '\n');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: alphabet, maxLength: 40 })), (text) => {
        try {
          const segments = splitTemplate(text);
          for (const s of segments) {
            if (s.kind === 'literal') assert.equal(text.slice(s.offset, s.offset + s.text.length), s.text);
            else assert.equal(text.slice(s.offset, s.offset + s.source.length), s.source);
          }
        } catch (error) {
          assert.ok(error instanceof PolicyError, String(error));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('text without "{{" is one literal', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (text) => assert.deepEqual(pieces(text), text === '' ? [] : [text]),
      ),
    );
  });
});

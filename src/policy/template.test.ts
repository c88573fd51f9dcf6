import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bindVariables, createEnvironment, type GrantVariables } from './environment.ts';
import { PolicyError } from './errors.ts';
import { claimVariables, organization } from './fixtures.ts';
import { compileTemplate, isLiteralTemplate, renderTemplate } from './template.ts';
import type { JsonObject } from './values.ts';

const grantEnv = createEnvironment('GrantCreationPolicy');
const claimEnv = createEnvironment('ClaimCreationPolicy');
const path = 'spec.target.resourceGrantTemplate.metadata.name';

const renderGrant = (text: string, trigger: JsonObject = organization): string =>
  renderTemplate(compileTemplate(grantEnv, text, path), bindVariables('GrantCreationPolicy', { trigger }));

describe('templates', () => {
  const cases: Record<string, [string, string]> = {
    'Milo doc example': ['{{trigger.metadata.name}}-quota', 'acme-quota'],
    'Go-template leading dot (Milo tests)': ['auto-grant-{{.trigger.metadata.name}}', 'auto-grant-acme'],
    'several expressions': [
      'grant-{{.trigger.metadata.name}}-{{ trigger.spec.type.lowerAscii() }}',
      'grant-acme-standard',
    ],
    'literal only': ['milo-system', 'milo-system'],
    'triple braces stay literal': ['{{{x}}}', '{{{x}}}'],
    'int converted': ['r{{trigger.spec.replicas}}', 'r3'],
    'arithmetic converted': ['{{trigger.spec.replicas * 1024}}', '3072'],
    'double converted': ['{{trigger.spec.ratio}}', '0.5'],
    'bool converted': ['{{trigger.spec.enabled}}', 'true'],
    'uint converted': ['{{uint(trigger.spec.replicas)}}', '3'],
    'braces inside a string literal': ['{{"{{literal}}"}}', '{{literal}}'],
    'map literal inside an expression': ["{{ {'a': 'b'}['a'] }}", 'b'],
    'empty template': ['', ''],
  };
  for (const [name, [text, expected]] of Object.entries(cases)) {
    it(name, () => assert.equal(renderGrant(text), expected));
  }

  it('claim templates see user and requestInfo', () => {
    const template = compileTemplate(
      claimEnv,
      '{{requestInfo.namespace}}/{{user.name}}-{{trigger.metadata.name}}',
      path,
    );
    assert.equal(
      renderTemplate(template, bindVariables('ClaimCreationPolicy', claimVariables)),
      'organization-acme/alice-web',
    );
  });

  it('isLiteralTemplate', () => {
    assert.equal(isLiteralTemplate(compileTemplate(grantEnv, 'milo-system', path)), true);
    assert.equal(isLiteralTemplate(compileTemplate(grantEnv, 'a-{{trigger.metadata.name}}', path)), false);
  });

  const compileErrors: Record<string, [string, string, number]> = {
    'unmatched braces': ['auto-{{trigger.metadata.name', "unmatched '{{'", 5],
    'empty expression': ['auto-{{ }}', 'empty expression', 5],
    'CEL syntax error': ['auto-{{trigger.metadata.}}', 'CEL syntax error at offset', 7],
    'undeclared variable': ['x-{{ user.name }}', "undeclared reference to 'user'", 5],
    'a list cannot become text': ['{{ trigger.spec.regions.map(r, r) }}', 'has type list(dyn)', 3],
    'null cannot become text': ['{{ null }}', 'has type null', 3],
  };
  for (const [name, [text, fragment, offset]] of Object.entries(compileErrors)) {
    it(`compile error: ${name} names the field and the offset`, () => {
      assert.throws(
        () => compileTemplate(grantEnv, text, path),
        (e: unknown) =>
          e instanceof PolicyError &&
          e.path === path &&
          e.message.startsWith(`${path}: `) &&
          e.message.includes(fragment) &&
          e.offset !== undefined &&
          e.offset >= offset,
      );
    });
  }

  const renderErrors: Record<string, [string, string]> = {
    'a list result': ['{{ trigger.spec.regions }}', "expression 'trigger.spec.regions' returned a list"],
    'a map result': ['{{ trigger.metadata.labels }}', 'returned a map'],
    'a null result': ['{{ trigger.spec.nothing }}', 'returned a null'],
    'a missing key': ['{{ trigger.spec.tier }}', "evaluating 'trigger.spec.tier' failed"],
  };
  for (const [name, [text, fragment]] of Object.entries(renderErrors)) {
    it(`render error: ${name} names the field`, () => {
      const trigger = { ...organization, spec: { ...(organization.spec as JsonObject), nothing: null } };
      assert.throws(
        () => renderGrant(text, trigger),
        (e: unknown) => e instanceof PolicyError && e.path === path && e.message.includes(fragment),
      );
    });
  }
});

describe('template properties', () => {
  const templateText = fc.oneof(
    fc.string(),
    fc.string({
      unit: fc.constantFrom(
        '{{',
        '}}',
        '{',
        '}',
        '"',
        "'",
        '\\',
        '.',
        'trigger',
        '.metadata',
        '.name',
        ' ',
        '+',
        '(',
        ')',
        '[0]',
        'x',
        '1',
      ),
      maxLength: 25,
    }),
  );
  // Arbitrary JS values (including non-JSON ones) and arbitrary JSON objects as triggers.
  const trigger = fc.oneof(fc.object(), fc.dictionary(fc.string(), fc.anything()), fc.jsonValue());
  const policyErrorsOnly = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof PolicyError, `not a PolicyError: ${String(error)}`);
    }
  };

  it('compiling arbitrary text throws nothing but PolicyError', () => {
    fc.assert(
      fc.property(templateText, (text) => {
        policyErrorsOnly(() => compileTemplate(grantEnv, text, path));
        policyErrorsOnly(() => compileTemplate(claimEnv, text, path));
      }),
      { numRuns: 1500 },
    );
  });

  it('rendering arbitrary templates against arbitrary triggers throws nothing but PolicyError', () => {
    const fixed = [
      '{{trigger.metadata.name}}',
      '{{ trigger.a.b.c }}',
      "{{ trigger.has('a.b') }}",
      '{{ size(trigger) }}',
      '{{ trigger.exists(k, k.startsWith("a")) }}',
      '{{ string(trigger) }}',
    ];
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...fixed), templateText), trigger, (text, value) => {
        policyErrorsOnly(() => {
          const template = compileTemplate(grantEnv, text, path);
          renderTemplate(
            template,
            bindVariables('GrantCreationPolicy', { trigger: value } as GrantVariables),
          );
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('text whose brace runs are all single or three-plus renders to itself', () => {
    const literal = fc
      .string({ unit: fc.constantFrom('{', '}', 'a', '"', ' ') })
      .map((s) => s.replaceAll('{{', '{{{'));
    fc.assert(
      fc.property(
        fc.oneof(
          literal,
          fc.string().map((s) => s.replaceAll('{{', '{{{')),
        ),
        (text) => {
          assert.equal(renderGrant(text), text);
        },
      ),
    );
  });

  it('a string field renders exactly, whatever it contains', () => {
    fc.assert(
      fc.property(fc.string(), (value) => assert.equal(renderGrant('{{trigger.v}}', { v: value }), value)),
    );
  });

  it('JSON integers render as integers', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => assert.equal(renderGrant('{{trigger.n}}', { n }), String(n))),
    );
  });
});

// Bad templates, constraints and policies never crash src/policy: compile, render and validate either work or
// fail with a PolicyError / field error that names the field being compiled.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FieldError } from '../../src/api/index.ts';
import { claimPolicy, claimVariables, grantPolicy } from '../../src/policy/fixtures.ts';
import {
  bindVariables,
  compileConstraint,
  compileTemplate,
  createEnvironment,
  type JsonObject,
  PolicyError,
  renderTemplate,
  validateClaimCreationPolicy,
  validateGrantCreationPolicy,
} from '../../src/policy/index.ts';
import { isFieldPath, typedMutated } from './mutate.ts';

const RUNS = { numRuns: 1000 };
const grantEnv = createEnvironment('GrantCreationPolicy');
const claimEnv = createEnvironment('ClaimCreationPolicy');

/** Template-ish text: literal text, braces in every count, quotes, CEL tokens and variable paths. */
const TOKENS = [
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '.',
  ' ',
  'a',
  '-',
  '/',
  '(',
  ')',
  '[',
  ']',
  '+',
  '==',
  '?',
  ':',
  'trigger',
  'trigger.metadata.name',
  '.trigger.spec',
  'user.name',
  'requestInfo.verb',
  'consumer',
  'size(',
  'has(trigger.spec.x)',
  '"x".upperAscii()',
  'trigger.metadata.labels["tier"]',
  '1',
  '1.5',
  'true',
  'null',
  '[1,2]',
  '{"a": 1}',
  'lowerAscii()',
  'split(",")',
  'join("-")',
  '[].map(x, x)',
  'unknownFn(1)',
  '\u0000',
  'ü',
];
const soup = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })), { maxLength: 14 })
  .map((parts) => parts.join(''));

/** The only acceptable failure: a PolicyError on the field compiled, with something to read. */
function expectPolicyError(error: unknown, path: string): void {
  assert.ok(
    error instanceof PolicyError,
    `not a PolicyError: ${error instanceof Error ? error.stack : String(error)}`,
  );
  assert.equal(error.path, path);
  assert.ok(error.detail.trim().length > 0);
}

function assertFieldErrors(errors: readonly FieldError[]): void {
  for (const e of errors) {
    assert.ok(isFieldPath(e.path), `field path ${JSON.stringify(e.path)}: ${e.message}`);
    assert.ok(e.message.trim().length > 0, `a message for ${e.path}`);
  }
}

describe('fuzz: templates and constraints', () => {
  it('compiles or names the field, for template text of any shape', () => {
    const path = 'spec.target.resourceGrantTemplate.metadata.name';
    fc.assert(
      fc.property(soup, (text) => {
        try {
          compileTemplate(grantEnv, text, path);
        } catch (error) {
          expectPolicyError(error, path);
        }
      }),
      RUNS,
    );
  });

  it('compiles or names the field, for constraint expressions of any shape', () => {
    const path = 'spec.trigger.constraints[0].expression';
    fc.assert(
      fc.property(soup, (expression) => {
        try {
          compileConstraint(claimEnv, { expression }, path);
        } catch (error) {
          expectPolicyError(error, path);
        }
      }),
      RUNS,
    );
  });

  it('renders or names the field, for triggers of any content', () => {
    const path = 'spec.target.resourceGrantTemplate.metadata.name';
    const template = compileTemplate(
      grantEnv,
      'org-{{trigger.metadata.name}}-{{trigger.spec.tier.lowerAscii()}}-{{string(size(trigger.spec.items))}}',
      path,
    );
    const trigger = fc.record({
      metadata: fc.oneof(fc.record({ name: fc.jsonValue({ maxDepth: 1 }) }), fc.jsonValue({ maxDepth: 1 })),
      spec: fc.oneof(
        fc.record({ tier: fc.jsonValue({ maxDepth: 1 }), items: fc.jsonValue({ maxDepth: 1 }) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    });
    fc.assert(
      fc.property(trigger, (t) => {
        try {
          const out = renderTemplate(
            template,
            bindVariables('GrantCreationPolicy', { trigger: t as JsonObject }),
          );
          assert.equal(typeof out, 'string');
        } catch (error) {
          assert.ok(error instanceof PolicyError, `not a PolicyError: ${String(error)}`);
          assert.ok(
            ['trigger', path].some((p) => error.path.startsWith(p)),
            `path ${error.path}`,
          );
        }
      }),
      RUNS,
    );
    assert.ok(claimVariables);
  });
});

describe('fuzz: whole policies through validation', () => {
  it('GrantCreationPolicy: field errors with paths, never a throw (admission mode)', () => {
    fc.assert(
      fc.property(typedMutated(grantPolicy()), (policy) => {
        assertFieldErrors(validateGrantCreationPolicy(policy, { mode: 'admission' }));
      }),
      RUNS,
    );
  });

  it('ClaimCreationPolicy: field errors with paths, never a throw (admission mode)', () => {
    fc.assert(
      fc.property(typedMutated(claimPolicy()), (policy) => {
        assertFieldErrors(validateClaimCreationPolicy(policy, { mode: 'admission' }));
      }),
      RUNS,
    );
  });
});

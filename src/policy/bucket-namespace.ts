// The bucket namespace expression (SPEC §4.1): which namespace a consumer's AllowanceBuckets live in, as a
// CEL expression over `consumer` from the operator's configuration. It is compiled once at start-up, in the
// same checked and metered environment as policies, so a typo stops the operator with the position of the
// mistake instead of failing on the first claim.
import type { CelValue } from '@bufbuild/cel';
import { dnsLabelProblem, groupKindString } from '../api/index.ts';
import { type CompiledExpression, compileExpression, evaluateExpression } from './compile.ts';
import {
  type BucketConsumer,
  bindVariables,
  createEnvironment,
  type EnvironmentOptions,
} from './environment.ts';
import { PolicyError } from './errors.ts';
import { formatType } from './types.ts';
import { celTypeName } from './values.ts';

/** The setting the expression comes from; every error names it. */
export const BUCKET_NAMESPACE_SETTING = '--bucket-namespace-expression';

/** Default: every bucket in the operator's quota namespace. */
export const DEFAULT_BUCKET_NAMESPACE_EXPRESSION = '"quota-system"';

/** Milo's layout: an Organization's buckets in `organization-<name>`, everything else in `milo-system`. */
export const MILO_BUCKET_NAMESPACE_EXPRESSION =
  'consumer.kind == "Organization" ? "organization-" + consumer.name : "milo-system"';

/** The namespace for a consumer's buckets; throws a PolicyError naming the consumer and the expression. */
export type BucketNamespaceFn = (consumer: BucketConsumer) => string;

/**
 * Compiles the expression (syntax, types: `consumer` is `{apiGroup, kind, namespace, name: string}`, and the
 * result must be a string). Throws a PolicyError naming the setting and the 0-based offset of the problem.
 */
export function compileBucketNamespace(
  expression: string,
  options: EnvironmentOptions = {},
): BucketNamespaceFn {
  const compiled = compileSetting(expression, options);
  return (consumer) => {
    const value = evaluateFor(compiled, consumer);
    const who = describe(consumer);
    if (typeof value !== 'string') {
      throw new PolicyError(
        'evaluation',
        BUCKET_NAMESPACE_SETTING,
        `'${expression}' returned ${celTypeName(value)} for consumer ${who}; it must return a namespace name (a string)`,
      );
    }
    const problem = dnsLabelProblem(value);
    if (problem !== undefined) {
      throw new PolicyError(
        'evaluation',
        BUCKET_NAMESPACE_SETTING,
        `'${expression}' returned an invalid namespace for consumer ${who}: ${problem}`,
      );
    }
    return value;
  };
}

function compileSetting(
  expression: string,
  options: EnvironmentOptions,
): CompiledExpression<'BucketNamespace'> {
  try {
    const compiled = compileExpression(createEnvironment('BucketNamespace', options), expression, '');
    const type = compiled.type.kind;
    if (type !== 'string' && type !== 'dyn') {
      throw new PolicyError(
        'type',
        '',
        `must return a string (a namespace name), got ${formatType(compiled.type)}`,
        0,
      );
    }
    return compiled;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    // Syntax and most type errors say where already; the others (length, result type) start at offset 0.
    const where = /at offset \d+/.test(error.detail) ? '' : ` at offset ${error.offset ?? 0} (0-based)`;
    throw new PolicyError(
      error.code,
      BUCKET_NAMESPACE_SETTING,
      `invalid expression '${expression}'${where}: ${error.detail}`,
      error.offset,
    );
  }
}

/** The value, or a PolicyError (failed or too costly evaluation, bad input) that also names the consumer. */
function evaluateFor(compiled: CompiledExpression<'BucketNamespace'>, consumer: BucketConsumer): CelValue {
  try {
    return evaluateExpression(compiled, bindVariables('BucketNamespace', { consumer }));
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    // error.message keeps the field of an input error (`consumer.name: must be a string ...`)
    const detail = `${error.message} (consumer ${describe(consumer)})`;
    throw new PolicyError(error.code, BUCKET_NAMESPACE_SETTING, detail, error.offset);
  }
}

/** `resourcemanager.miloapis.com/Organization acme`, `example.com/Team ns1/blue`. */
function describe(consumer: BucketConsumer): string {
  const where = consumer.namespace === '' ? '' : `${consumer.namespace}/`;
  return `${groupKindString(consumer.apiGroup, consumer.kind)} ${where}${consumer.name}`;
}

import { type CelResult, type CelValue, isCelError, parse, plan } from '@bufbuild/cel';
import { instrument, metered } from './cost.ts';
import type { Bindings, EnvironmentKind, PolicyEnvironment } from './environment.ts';
import { PolicyError } from './errors.ts';
import { type MetadataRefs, metadataRefs } from './references.ts';
import { skipStringLiteral } from './split.ts';
import { checkExpr } from './type-check.ts';
import type { CheckType } from './types.ts';

/** Longest expression accepted, as Milo's validator and the CRD's constraint bound (1024 characters). */
export const MAX_EXPRESSION_LENGTH = 1024;

/**
 * Deepest bracket nesting accepted. The library's recursive-descent parser runs out of stack somewhere
 * between 300 and 1000 nested parentheses depending on how deep the caller's stack already is; refusing
 * earlier, before parsing, keeps the outcome deterministic.
 */
export const MAX_NESTING = 100;

/** A parsed, type-checked and planned CEL expression, evaluable any number of times. */
export interface CompiledExpression<K extends EnvironmentKind = EnvironmentKind> {
  readonly kind: K;
  readonly source: string;
  /** Static type inferred by the checker (`dyn` where only the runtime can tell). */
  readonly type: CheckType;
  /** Field the expression belongs to, and where the expression starts in that field's text (0-based). */
  readonly path: string;
  readonly offset: number;
  readonly costLimit: number;
  /** The `trigger` label and annotation keys it may read (what the trigger caches must keep). */
  readonly triggerRefs: MetadataRefs;
  readonly run: (values: Readonly<Record<string, CelValue>>) => CelResult;
}

/**
 * Parses, type-checks and plans `source`. Every failure is a PolicyError carrying `path` and an absolute
 * offset (`offset` is where `source` starts inside the field's text, for expressions cut out of a template).
 */
export function compileExpression<K extends EnvironmentKind>(
  env: PolicyEnvironment<K>,
  source: string,
  path: string,
  offset = 0,
): CompiledExpression<K> {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new PolicyError(
      'limit',
      path,
      `expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`,
      offset,
    );
  }
  if (nestingDepth(source) > MAX_NESTING) {
    throw new PolicyError(
      'limit',
      path,
      `expression nests brackets deeper than ${MAX_NESTING} levels: simplify it`,
      offset,
    );
  }
  const parsed = parseOrThrow(source, path, offset);
  const positions = parsed.sourceInfo?.positions ?? {};
  const type = checkExpr(parsed.expr, {
    variables: env.declarations,
    owner: env.owner,
    path,
    offsetOf: (id) => {
      const at = positions[id.toString()];
      return at === undefined ? undefined : offset + at;
    },
  });
  instrument(parsed.expr);
  let run: CompiledExpression['run'];
  try {
    run = plan(env.cel, parsed);
  } catch (error) {
    throw new PolicyError('type', path, `cannot plan expression: ${messageOf(error)}`, offset);
  }
  const triggerRefs = metadataRefs(parsed.expr);
  return { kind: env.kind, source, type, path, offset, costLimit: env.costLimit, triggerRefs, run };
}

function parseOrThrow(source: string, path: string, offset: number): ReturnType<typeof parse> {
  try {
    return parse(source);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new PolicyError('limit', path, 'expression nests too deeply to parse: simplify it', offset);
    }
    const at = syntaxOffset(error);
    const where = at === undefined ? '' : ` at offset ${offset + at} (0-based)`;
    const raw = rawMessage(error) ?? messageOf(error);
    throw new PolicyError(
      'syntax',
      path,
      `CEL syntax error${where}: ${raw}`,
      at === undefined ? offset : offset + at,
    );
  }
}

/** Evaluates under the cost limit; CEL errors, overruns and library exceptions all become PolicyErrors. */
export function evaluateExpression<K extends EnvironmentKind>(
  compiled: CompiledExpression<K>,
  bindings: Bindings<K>,
): CelValue {
  const { path, source, costLimit } = compiled;
  let outcome: { value: CelResult; exceeded: boolean };
  try {
    outcome = metered(costLimit, () => compiled.run(bindings.values));
  } catch (error) {
    throw new PolicyError(
      'evaluation',
      path,
      `evaluating '${source}' failed: ${messageOf(error)}`,
      compiled.offset,
    );
  }
  if (outcome.exceeded) {
    throw new PolicyError(
      'cost',
      path,
      `evaluating '${source}' exceeded the cost limit of ${costLimit}: iterate over less data or simplify it`,
      compiled.offset,
    );
  }
  if (isCelError(outcome.value)) {
    const message = outcome.value.message;
    const hint = /not found|no such key/.test(message)
      ? ' (test optional fields with has(x.field) or x.has("a.b") first)'
      : '';
    throw new PolicyError(
      'evaluation',
      path,
      `evaluating '${source}' failed: ${message}${hint}`,
      compiled.offset,
    );
  }
  return outcome.value;
}

/** Maximum depth of (), [] and {} outside string literals. */
function nestingDepth(source: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") {
      const end = skipStringLiteral(source, i, 0);
      if (end < 0) break;
      i = end - 1;
    } else if (c === '(' || c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return max;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function rawMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('rawMessage' in error)) return undefined;
  return typeof error.rawMessage === 'string' ? error.rawMessage : undefined;
}

function syntaxOffset(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('location' in error)) return undefined;
  const location = error.location;
  if (typeof location !== 'object' || location === null || !('start' in location)) return undefined;
  const start = location.start;
  if (typeof start !== 'object' || start === null || !('offset' in start)) return undefined;
  return typeof start.offset === 'number' ? start.offset : undefined;
}

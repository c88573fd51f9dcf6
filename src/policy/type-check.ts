import type { Expr } from './ast.ts';
import { PolicyError } from './errors.ts';
import { resolveCall } from './signatures.ts';
import { asMap, type CheckType, fits, formatType, join, T } from './types.ts';

export type { Expr } from './ast.ts';

/**
 * Deepest AST the checker accepts. cel-go's parser stops at 250 levels of recursion; the library's parser
 * overflows the stack somewhere between 300 and 1000, and evaluation recurses too, so we stop well before.
 */
export const MAX_AST_DEPTH = 200;

export interface CheckContext {
  /** Declared variables (the policy kind's `trigger`, `user`, `requestInfo`). */
  readonly variables: ReadonlyMap<string, CheckType>;
  /** Who declares them, for "undeclared reference" messages, e.g. "GrantCreationPolicy". */
  readonly owner: string;
  /** Field being compiled, carried by every error. */
  readonly path: string;
  /** Absolute 0-based offset in the field's text of an AST node, when the parser recorded one. */
  readonly offsetOf: (id: bigint) => number | undefined;
}

type Scope = ReadonlyMap<string, CheckType>;

/** Type names are values of type `type` in CEL (`type(x) == string`). */
const TYPE_NAMES = new Set([
  'bool',
  'bytes',
  'double',
  'int',
  'list',
  'map',
  'null_type',
  'string',
  'type',
  'uint',
]);

/**
 * Infers the static type of a parsed expression, rejecting undeclared variables and functions, unknown
 * fields of typed variables and calls whose argument types cannot match. `trigger` is `map(string, dyn)`, so
 * most of its paths are `dyn` and are checked at runtime; `user` and `requestInfo` are fully typed.
 */
export function checkExpr(expr: Expr, ctx: CheckContext): CheckType {
  return infer(expr, new Map(), 0, ctx);
}

function fail(expr: Expr, ctx: CheckContext, message: string): never {
  const offset = ctx.offsetOf(expr.id);
  const where = offset === undefined ? '' : ` at offset ${offset} (0-based)`;
  throw new PolicyError('type', ctx.path, `type error${where}: ${message}`, offset);
}

function infer(expr: Expr, scope: Scope, depth: number, ctx: CheckContext): CheckType {
  if (depth > MAX_AST_DEPTH) {
    throw new PolicyError(
      'limit',
      ctx.path,
      `expression nests deeper than ${MAX_AST_DEPTH} levels: simplify it`,
    );
  }
  const sub = (e: Expr | undefined, s: Scope = scope): CheckType =>
    e === undefined ? fail(expr, ctx, 'incomplete expression') : infer(e, s, depth + 1, ctx);
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'constExpr':
      return constantType(kind.value.constantKind.case);
    case 'identExpr':
      return identType(expr, kind.value.name, scope, ctx);
    case 'selectExpr': {
      const operand = sub(kind.value.operand);
      const fieldType = selectType(expr, operand, kind.value.field, ctx);
      return kind.value.testOnly ? T.bool : fieldType;
    }
    case 'callExpr': {
      const call = kind.value;
      const target = call.target === undefined ? undefined : sub(call.target);
      const result = resolveCall(
        call.function,
        target,
        call.args.map((a) => sub(a)),
      );
      return typeof result === 'string' ? fail(expr, ctx, result) : result;
    }
    case 'listExpr': {
      const elements = kind.value.elements.map((e) => sub(e));
      return T.list(elements.length === 0 ? T.dyn : elements.reduce(join));
    }
    case 'structExpr': {
      if (kind.value.messageName !== '') {
        fail(
          expr,
          ctx,
          `object construction '${kind.value.messageName}{...}' is not supported: use a map literal`,
        );
      }
      let key: CheckType | undefined;
      let value: CheckType | undefined;
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case !== 'mapKey') fail(expr, ctx, 'map literal entries need a key');
        const k = sub(entry.keyKind.value);
        if (!['dyn', 'string', 'int', 'uint', 'bool'].includes(k.kind)) {
          fail(expr, ctx, `map keys must be string, int, uint or bool, got ${formatType(k)}`);
        }
        const v = sub(entry.value);
        key = key === undefined ? k : join(key, k);
        value = value === undefined ? v : join(value, v);
      }
      return T.map(key ?? T.dyn, value ?? T.dyn);
    }
    case 'comprehensionExpr': {
      const c = kind.value;
      const range = sub(c.iterRange);
      const item = range.kind === 'list' ? range.elem : range.kind === 'dyn' ? T.dyn : asMap(range)?.key;
      if (item === undefined) fail(expr, ctx, `cannot iterate over ${formatType(range)}`);
      const accu = sub(c.accuInit);
      const inner = new Map(scope).set(c.accuVar, accu).set(c.iterVar, item);
      if (c.iterVar2 !== '') inner.set(c.iterVar2, T.dyn);
      if (!fits(sub(c.loopCondition, inner), T.bool)) fail(expr, ctx, 'a loop condition must be bool');
      const step = sub(c.loopStep, inner);
      return sub(c.result, new Map(scope).set(c.accuVar, join(accu, step)));
    }
    default:
      return fail(expr, ctx, 'empty expression');
  }
}

function constantType(kind: string | undefined): CheckType {
  const types: Record<string, CheckType> = {
    nullValue: T.null,
    boolValue: T.bool,
    int64Value: T.int,
    uint64Value: T.uint,
    doubleValue: T.double,
    stringValue: T.string,
    bytesValue: T.bytes,
    durationValue: T.duration,
    timestampValue: T.timestamp,
  };
  return (kind === undefined ? undefined : types[kind]) ?? T.dyn;
}

function identType(expr: Expr, rawName: string, scope: Scope, ctx: CheckContext): CheckType {
  // A leading dot means "root scope": it skips comprehension variables.
  const rootOnly = rawName.startsWith('.');
  const name = rootOnly ? rawName.slice(1) : rawName;
  const found = (rootOnly ? undefined : scope.get(name)) ?? ctx.variables.get(name);
  if (found !== undefined) return found;
  if (TYPE_NAMES.has(name)) return T.type;
  const declared = [...ctx.variables.keys()].join(', ');
  return fail(expr, ctx, `undeclared reference to '${name}' (variables in ${ctx.owner}: ${declared})`);
}

function selectType(expr: Expr, operand: CheckType, field: string, ctx: CheckContext): CheckType {
  if (operand.kind === 'dyn') return T.dyn;
  if (operand.kind === 'record') {
    const type = operand.fields[field];
    if (type !== undefined) return type;
    const known = Object.keys(operand.fields).join(', ');
    return fail(expr, ctx, `${operand.name} has no field '${field}' (its fields: ${known})`);
  }
  const map = asMap(operand);
  if (map !== undefined && fits(T.string, map.key)) return map.value;
  return fail(expr, ctx, `cannot select field '${field}' from a value of type ${formatType(operand)}`);
}

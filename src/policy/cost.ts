import { type CelValue, isCelList, isCelMap } from '@bufbuild/cel';
import { type Expr, walk } from './ast.ts';

/**
 * Cost accounting. @bufbuild/cel 0.6.1 has no cost tracker (cel-go's `CostLimit`), so we meter evaluation
 * ourselves with the nearest honest equivalent:
 * - every function call (standard library included: `functions.ts` wraps them all) costs
 *   1 + ceil(size / 10), where size counts the characters of string arguments and results and the elements of
 *   list and map arguments (equality and `in` count nested elements too), like cel-go's 0.1 per character;
 * - every comprehension (`exists`, `all`, `map`, `filter`, `exists_one`) costs the size of its range when it
 *   starts and 1 per iteration; `instrument` rewrites the AST so the library calls our meter there.
 * Everything else an expression does is bounded by its AST size times the input size. When the running total
 * passes the limit the meter throws inside the library, every later charge throws again (so loops stop at
 * their next iteration) and `metered` reports the evaluation as over budget whatever value came out.
 */
export const DEFAULT_COST_LIMIT = 1_000_000;
const CHARS_PER_UNIT = 10;

interface Meter {
  readonly limit: number;
  spent: number;
}

let active: Meter | undefined;

export class CostLimitExceeded extends Error {
  constructor(limit: number) {
    super(`cost limit ${limit} exceeded`);
    this.name = 'CostLimitExceeded';
  }
}

/** Adds `units` to the running evaluation's cost; throws once the limit is passed. */
export function charge(units: number): void {
  if (active === undefined) return;
  active.spent += units;
  if (active.spent > active.limit) throw new CostLimitExceeded(active.limit);
}

/** Cost of a call touching values of total `size` (characters or elements). */
export function sizeCost(size: number): number {
  return 1 + Math.ceil(size / CHARS_PER_UNIT);
}

/** Runs one synchronous evaluation under a fresh meter. */
export function metered<R>(limit: number, run: () => R): { value: R; spent: number; exceeded: boolean } {
  const previous = active;
  const meter: Meter = { limit, spent: 0 };
  active = meter;
  try {
    const value = run();
    return { value, spent: meter.spent, exceeded: meter.spent > limit };
  } finally {
    active = previous;
  }
}

/** Top-level size: characters of a string or bytes, elements of a list or map, else 0. */
export function shallowSize(value: CelValue): number {
  if (typeof value === 'string' || value instanceof Uint8Array) return value.length;
  if (isCelList(value) || isCelMap(value)) return value.size;
  return 0;
}

/** Nested size (elements and characters all the way down), counted only up to `cap`. */
export function deepSize(value: CelValue, cap: number): number {
  let total = 0;
  const stack: CelValue[] = [value];
  while (stack.length > 0 && total < cap) {
    const v = stack.pop() as CelValue;
    total += 1 + shallowSize(v);
    if (isCelList(v)) for (const item of v) stack.push(item);
    else if (isCelMap(v)) for (const item of v.values()) stack.push(item);
  }
  return total;
}

/** Internal function names; `@` cannot start a CEL identifier, so expressions cannot call them. */
export const RANGE_FN = '@cost_range';
export const STEP_FN = '@cost_step';

/** Wraps every comprehension's range and loop condition in the metering functions (mutates `root`). */
export function instrument(root: Expr): Expr {
  let nextId = maxId(root) + 1n;
  const wrap = (inner: Expr | undefined, fn: string): Expr | undefined =>
    inner === undefined
      ? undefined
      : {
          $typeName: 'cel.expr.Expr',
          id: nextId++,
          exprKind: {
            case: 'callExpr',
            value: { $typeName: 'cel.expr.Expr.Call', function: fn, args: [inner] },
          },
        };
  for (const node of walk(root)) {
    if (node.exprKind.case === 'comprehensionExpr') {
      const c = node.exprKind.value;
      c.iterRange = wrap(c.iterRange, RANGE_FN);
      c.loopCondition = wrap(c.loopCondition, STEP_FN);
    }
  }
  return root;
}

function maxId(root: Expr): bigint {
  let max = 0n;
  for (const node of walk(root)) if (node.id > max) max = node.id;
  return max;
}

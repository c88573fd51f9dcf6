// Walking a parsed CEL expression: the children of a node, and every node in order. Shared by the cost
// estimate and the field-reference analysis.
import type { parse } from '@bufbuild/cel';

/** A parsed CEL expression (the checker, the cost model and the reference finder walk it). */
export type Expr = ReturnType<typeof parse>['expr'];

/** Every node of the AST, parents before children (a snapshot, so callers may rewrite while iterating). */
export function walk(root: Expr): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Expr;
    out.push(node);
    stack.push(...children(node));
  }
  return out;
}

export function children(node: Expr): Expr[] {
  const k = node.exprKind;
  const present = (xs: (Expr | undefined)[]): Expr[] => xs.filter((x): x is Expr => x !== undefined);
  switch (k.case) {
    case 'selectExpr':
      return present([k.value.operand]);
    case 'callExpr':
      return present([k.value.target, ...k.value.args]);
    case 'listExpr':
      return k.value.elements;
    case 'structExpr':
      return present(
        k.value.entries.flatMap((e) => [e.keyKind.case === 'mapKey' ? e.keyKind.value : undefined, e.value]),
      );
    case 'comprehensionExpr': {
      const c = k.value;
      return present([c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result]);
    }
    default:
      return [];
  }
}

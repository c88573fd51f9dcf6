import { type CompiledExpression, compileExpression, evaluateExpression } from './compile.ts';
import type { Bindings, PolicyEnvironment, PolicyKind } from './environment.ts';
import { PolicyError } from './errors.ts';
import { splitTemplate } from './split.ts';
import { formatType } from './types.ts';
import { celTypeName, toTemplateText } from './values.ts';

type TemplatePart<K extends PolicyKind> =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'expression'; readonly expression: CompiledExpression<K> };

/** A compiled template string: literal text and checked `{{ }}` expressions, in order. */
export interface CompiledTemplate<K extends PolicyKind = PolicyKind> {
  readonly path: string;
  readonly text: string;
  readonly parts: readonly TemplatePart<K>[];
}

/** Static result types a template expression may have; numbers and booleans are converted to text. */
const RENDERABLE = new Set(['string', 'int', 'uint', 'double', 'bool', 'dyn']);

/**
 * Splits and compiles every expression of a template field. Throws a PolicyError naming `path` and the
 * offset inside the field for syntax errors, type errors and expressions whose type cannot become text.
 */
export function compileTemplate<K extends PolicyKind>(
  env: PolicyEnvironment<K>,
  text: string,
  path: string,
): CompiledTemplate<K> {
  const parts = splitTemplate(text, path).map((segment): TemplatePart<K> => {
    if (segment.kind === 'literal') return { kind: 'literal', text: segment.text };
    const expression = compileExpression(env, segment.source, path, segment.offset);
    if (!RENDERABLE.has(expression.type.kind)) {
      throw new PolicyError(
        'type',
        path,
        `expression '${segment.source}' at offset ${segment.offset} (0-based) has type ${formatType(expression.type)}; ` +
          'a template expression must produce a string (numbers and booleans are converted): ' +
          'pick one element, or use join() or string()',
        segment.offset,
      );
    }
    return { kind: 'expression', expression };
  });
  return { path, text, parts };
}

/** True when the template has no expression: its text is used as is. */
export function isLiteralTemplate(template: CompiledTemplate): boolean {
  return template.parts.every((part) => part.kind === 'literal');
}

/** Renders a compiled template; evaluation errors and non-text results are PolicyErrors naming the field. */
export function renderTemplate<K extends PolicyKind>(
  template: CompiledTemplate<K>,
  bindings: Bindings<K>,
): string {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'literal') {
      out += part.text;
      continue;
    }
    const value = evaluateExpression(part.expression, bindings);
    const text = toTemplateText(value);
    if (text === undefined) {
      throw new PolicyError(
        'evaluation',
        template.path,
        `expression '${part.expression.source}' returned a ${celTypeName(value)}; a template expression must ` +
          'produce a string, number or boolean: pick one element, or use join() or string()',
        part.expression.offset,
      );
    }
    out += text;
  }
  return out;
}

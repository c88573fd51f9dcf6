import { PolicyError } from './errors.ts';

/**
 * One piece of a template. `offset` is where the piece starts in the template text (0-based); for an
 * expression it is the offset of its first character after `{{`, surrounding blanks and a leading dot, so an
 * error position inside the expression maps back to the template by addition.
 */
export type TemplateSegment =
  | { readonly kind: 'literal'; readonly text: string; readonly offset: number }
  | { readonly kind: 'expression'; readonly source: string; readonly offset: number };

/**
 * Splits a template into literal text and `{{ CEL }}` expressions. Rules (SPEC §5):
 * - exactly two `{` open an expression; a run of three or more `{` is literal text, single braces too;
 * - the closing `}}` is searched quote-aware (`'…'`, `"…"`, triple-quoted and raw strings, backslash escapes)
 *   and brace-aware (a CEL map literal `{…}` inside the expression does not close it);
 * - an unmatched `{{` and an empty expression are errors; a lone `}}` in literal text is literal;
 * - a leading dot before an identifier (`{{.trigger.x}}`, Go-template habit) is dropped.
 * Offsets in errors are 0-based character offsets into `text`.
 */
export function splitTemplate(text: string, path = 'template'): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let literalStart = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '{') {
      i++;
      continue;
    }
    const run = braceRun(text, i);
    if (run !== 2) {
      i += run;
      continue;
    }
    const close = findClose(text, i + 2);
    if (close < 0) {
      throw new PolicyError(
        'syntax',
        path,
        `unmatched '{{' delimiter in template at offset ${i} (0-based): close the expression with '}}' ` +
          `(for a literal '{{' write {{ '{{' }})`,
        i,
      );
    }
    if (literalStart < i) {
      segments.push({ kind: 'literal', text: text.slice(literalStart, i), offset: literalStart });
    }
    segments.push(expressionSegment(text, i, close, path));
    i = close + 2;
    literalStart = i;
  }
  if (literalStart < text.length) {
    segments.push({ kind: 'literal', text: text.slice(literalStart), offset: literalStart });
  }
  return segments;
}

function braceRun(text: string, from: number): number {
  let end = from;
  while (text[end] === '{') end++;
  return end - from;
}

function expressionSegment(text: string, open: number, close: number, path: string): TemplateSegment {
  const inner = text.slice(open + 2, close);
  const leading = inner.length - inner.trimStart().length;
  let source = inner.trim();
  let offset = open + 2 + leading;
  if (source === '') {
    throw new PolicyError(
      'syntax',
      path,
      `empty expression '{{ }}' at offset ${open} (0-based): put a CEL expression between the braces, ` +
        'e.g. {{ trigger.metadata.name }}',
      open,
    );
  }
  // `.trigger` is CEL for "trigger in the root scope"; stripping keeps one spelling for the checker. A dot
  // before a digit (`.5`) is a number and stays.
  if (source[0] === '.' && /^[A-Za-z_]/.test(source.slice(1))) {
    source = source.slice(1);
    offset++;
  }
  return { kind: 'expression', source, offset };
}

/** Index of the `}}` closing an expression whose body starts at `from`, or -1. */
function findClose(text: string, from: number): number {
  let depth = 0;
  let j = from;
  while (j < text.length) {
    const c = text[j];
    if (c === '"' || c === "'") {
      j = skipStringLiteral(text, j, from);
      if (j < 0) return -1;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0 && text[j + 1] === '}') return j;
      if (depth > 0) depth--;
    }
    j++;
  }
  return -1;
}

/**
 * Index just after the CEL string literal whose opening quote is at `at`, or -1 when it never closes.
 * `exprStart` bounds the look-behind for a raw-string prefix.
 */
export function skipStringLiteral(text: string, at: number, exprStart: number): number {
  const quote = text[at] as string;
  const delimiter = text.startsWith(quote.repeat(3), at) ? quote.repeat(3) : quote;
  const raw = isRawPrefix(text, at, exprStart);
  let k = at + delimiter.length;
  while (k < text.length) {
    if (!raw && text[k] === '\\') {
      k += 2;
      continue;
    }
    if (text.startsWith(delimiter, k)) return k + delimiter.length;
    k++;
  }
  return -1;
}

/** CEL raw strings (`r"…"`, `R'…'`, `br"…"`) do not treat backslash as an escape. */
function isRawPrefix(text: string, quoteAt: number, exprStart: number): boolean {
  const before = (n: number): string => (quoteAt - n >= exprStart ? (text[quoteAt - n] ?? '') : '');
  if (!/[rR]/.test(before(1))) return false;
  const second = before(2);
  if (!isIdentChar(second)) return true;
  return /[bB]/.test(second) && !isIdentChar(before(3));
}

function isIdentChar(c: string): boolean {
  return c !== '' && /[A-Za-z0-9_]/.test(c);
}

import type { FieldError } from '../api/index.ts';

/**
 * What went wrong with a template, constraint or CEL expression:
 * - `syntax`: the template or CEL text does not parse (unmatched `{{`, empty `{{ }}`, CEL syntax error);
 * - `type`: it parses but the checker rejects it (undeclared variable or function, wrong argument or result type);
 * - `limit`: a static limit (expression length or nesting depth) is exceeded;
 * - `evaluation`: evaluating it against concrete variables failed (missing key, wrong runtime type, ...);
 * - `cost`: evaluating it exceeded the cost limit;
 * - `input`: a variable handed to the evaluator is not JSON-shaped data.
 */
export type PolicyErrorCode = 'syntax' | 'type' | 'limit' | 'evaluation' | 'cost' | 'input';

/**
 * The one error class `src/policy` throws. `path` is the field being compiled or rendered
 * (`spec.target.resourceGrantTemplate.metadata.name`), `offset` the 0-based character offset inside that
 * field's text when known, `detail` the message without the path (for `{ path, message }` field errors).
 */
export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  readonly path: string;
  readonly detail: string;
  readonly offset: number | undefined;

  constructor(code: PolicyErrorCode, path: string, detail: string, offset?: number) {
    super(path === '' ? detail : `${path}: ${detail}`);
    this.name = 'PolicyError';
    this.code = code;
    this.path = path;
    this.detail = detail;
    this.offset = offset;
  }

  /** The same error reported against another field path (a caller that knows the real field). */
  at(path: string): PolicyError {
    return new PolicyError(this.code, path, this.detail, this.offset);
  }

  /** As src/api's field error (type Invalid), the form every validator returns. */
  toFieldError(): FieldError {
    return { path: this.path, message: this.detail };
  }
}

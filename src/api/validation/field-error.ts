// Field errors in the shape Kubernetes reports them (field.Error): a path such as
// `spec.requests[1].amount`, a message that says what is wrong and how to fix it, and an error type the
// admission webhook maps onto a Status cause (FieldValueRequired, FieldValueDuplicate, ...).

export type FieldErrorType =
  | 'Required'
  | 'Invalid'
  | 'Duplicate'
  | 'Forbidden'
  | 'TooMany'
  | 'TooLong'
  | 'NotSupported';

export interface FieldError {
  readonly path: string;
  readonly message: string;
  /** Absent means Invalid. */
  readonly type?: FieldErrorType;
}

export function fieldError(type: FieldErrorType, path: string, message: string): FieldError {
  return { type, path, message };
}

export const required = (path: string, message: string): FieldError => fieldError('Required', path, message);
export const invalid = (path: string, message: string): FieldError => fieldError('Invalid', path, message);
export const duplicate = (path: string, message: string): FieldError =>
  fieldError('Duplicate', path, message);
export const forbidden = (path: string, message: string): FieldError =>
  fieldError('Forbidden', path, message);

/** The Kubernetes Status cause reason for an error type. */
export function causeReason(type: FieldErrorType | undefined): string {
  return `FieldValue${type ?? 'Invalid'}`;
}

/** `path: message` joined with `; `, for condition messages and admission responses. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}

/** `base.key`, or `key` at the root. */
export function child(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

export function at(base: string, index: number): string {
  return `${base}[${index}]`;
}

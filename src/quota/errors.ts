/**
 * A snapshot handed to the quota engine breaks an invariant the API schema should have enforced (an amount
 * that is not an exact integer, a malformed consumer key, ...). `field` names where, the message says how to
 * fix it. The engine throws rather than guess, because a guessed amount is a wrong quota decision.
 */
export class QuotaInputError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'QuotaInputError';
    this.field = field;
  }
}

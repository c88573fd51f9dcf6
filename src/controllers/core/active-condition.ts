// The Active condition that registrations and grants share: False/ValidationFailed naming every error, else
// True with the kind's own reason and message.
import {
  CONDITION_ACTIVE,
  type ConditionUpdate,
  type FieldError,
  formatFieldErrors,
} from '../../api/index.ts';

export function activeCondition(
  errors: readonly FieldError[],
  active: { readonly reason: string; readonly message: string },
  observedGeneration: number,
): ConditionUpdate {
  if (errors.length === 0) return { type: CONDITION_ACTIVE, status: 'True', ...active, observedGeneration };
  const message = `Validation failed: ${formatFieldErrors(errors)}`;
  return { type: CONDITION_ACTIVE, status: 'False', reason: 'ValidationFailed', message, observedGeneration };
}

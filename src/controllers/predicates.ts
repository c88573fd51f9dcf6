// Predicates on quota kinds' status: an update passes when a condition's status flips, so a status write
// that changes nothing a decision depends on (an advancing observedGeneration, a reworded message) does not
// wake every consumer.
import { type Condition, findCondition } from '../api/index.ts';
import { anyOf, generationChanged, type Predicate } from '../runtime/index.ts';

const conditionOf = (obj: unknown, type: string): Condition['status'] | undefined =>
  findCondition((obj as { status?: { conditions?: Condition[] } }).status?.conditions, type)?.status;

export function conditionStatusChanged(type: string): Predicate {
  return (event) =>
    event.type !== 'update' || conditionOf(event.oldObject, type) !== conditionOf(event.object, type);
}

/** Spec changes, or the named condition's status changing. */
export function specOrCondition(type: string): Predicate {
  return anyOf(generationChanged, conditionStatusChanged(type));
}

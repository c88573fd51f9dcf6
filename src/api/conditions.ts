// metav1.Condition helpers with the semantics of Kubernetes' meta.SetStatusCondition: lastTransitionTime
// moves only when status changes; reason, message and observedGeneration are overwritten in place.
// Functions never mutate their input and return the *same* array when nothing changed, so callers can
// skip no-op status writes with a reference check (or statusEqual for whole statuses).
import type { Infer } from './schema/builder.ts';
import type { conditionSchema } from './schema/common.ts';

export type Condition = Infer<typeof conditionSchema>;
export type ConditionStatus = Condition['status'];

/** What a controller wants a condition to say; lastTransitionTime is filled in by setCondition. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  /** Omit to write a condition without observedGeneration (Milo does for some conditions). */
  observedGeneration?: number;
}

/** RFC 3339 with second precision, as the apiserver serialises metav1.Time. */
export function toRFC3339(t: Date | string): string {
  const d = typeof t === 'string' ? new Date(t) : t;
  if (Number.isNaN(d.getTime())) throw new RangeError(`invalid time: ${String(t)}`);
  return `${d.toISOString().slice(0, 19)}Z`;
}

export function findCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}

export function conditionStatus(
  list: readonly Condition[] | undefined,
  type: string,
): ConditionStatus | undefined {
  return findCondition(list, type)?.status;
}

export function isConditionTrue(list: readonly Condition[] | undefined, type: string): boolean {
  return conditionStatus(list, type) === 'True';
}

export function isConditionFalse(list: readonly Condition[] | undefined, type: string): boolean {
  return conditionStatus(list, type) === 'False';
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.type === b.type &&
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime &&
    a.observedGeneration === b.observedGeneration
  );
}

/**
 * Returns `list` with `update` applied. A new condition gets lastTransitionTime = now; an existing one keeps
 * its lastTransitionTime unless its status changes. Order is preserved; new conditions are appended.
 * Returns the input array itself when the result would be identical.
 */
export function setCondition(
  list: readonly Condition[] | undefined,
  update: ConditionUpdate,
  now: Date | string,
): Condition[] {
  const current = list ?? [];
  const index = current.findIndex((c) => c.type === update.type);
  const existing = index >= 0 ? current[index] : undefined;
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastTransitionTime:
      existing !== undefined && existing.status === update.status
        ? existing.lastTransitionTime
        : toRFC3339(now),
  };
  if (update.observedGeneration !== undefined) next.observedGeneration = update.observedGeneration;
  if (existing === undefined) return [...current, next];
  if (sameCondition(existing, next)) return current as Condition[];
  const out = [...current];
  out[index] = next;
  return out;
}

/** Returns `list` without the condition of `type` (the same array if it was absent). */
export function removeCondition(list: readonly Condition[] | undefined, type: string): Condition[] {
  const current = list ?? [];
  if (!current.some((c) => c.type === type)) return current as Condition[];
  return current.filter((c) => c.type !== type);
}

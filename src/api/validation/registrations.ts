// The one read-only view of ResourceRegistrations that API-state checks take (never a client), here and in
// src/policy: admission builds it from the operator's informer cache, controllers from theirs, tests from a
// plain array with registrationLookup.
import { findCondition, isConditionTrue } from '../conditions.ts';
import { CONDITION_ACTIVE } from '../reasons.ts';
import type { ResourceRegistration } from '../resource-registration.ts';
import type { FieldError } from './field-error.ts';

export interface RegistrationLookup {
  /** The registration in effect for a resourceType, Active or not; undefined if none exists. */
  get(resourceType: string): ResourceRegistration | undefined;
}

export function isRegistrationActive(reg: ResourceRegistration): boolean {
  return isConditionTrue(reg.status?.conditions, CONDITION_ACTIVE);
}

/** Not judged yet: the registration controller has not written its Active condition (True or False). */
export function isRegistrationPending(reg: ResourceRegistration): boolean {
  return findCondition(reg.status?.conditions, CONDITION_ACTIVE) === undefined;
}

/** Older first: creationTimestamp, then name (the order SPEC §3 uses to pick which duplicate stays). */
export function compareByAge(a: ResourceRegistration, b: ResourceRegistration): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** A lookup over a list; when several registrations share a resourceType, the oldest is in effect. */
export function registrationLookup(registrations: Iterable<ResourceRegistration>): RegistrationLookup {
  const byType = new Map<string, ResourceRegistration>();
  for (const reg of registrations) {
    const current = byType.get(reg.spec.resourceType);
    if (current === undefined || compareByAge(reg, current) < 0) byType.set(reg.spec.resourceType, reg);
  }
  return { get: (resourceType) => byType.get(resourceType) };
}

/**
 * Another registration of the same resourceType that takes precedence over `reg`, or undefined.
 * `create`: any existing one does (admission rejects the new object, even if created in the same second).
 * `existing`: only an older one does (the controller marks the newer of two ValidationFailed).
 */
export function precedingRegistration(
  reg: ResourceRegistration,
  all: Iterable<ResourceRegistration>,
  mode: 'create' | 'existing',
): ResourceRegistration | undefined {
  let winner: ResourceRegistration | undefined;
  for (const other of all) {
    if (other.metadata.name === reg.metadata.name || other.spec.resourceType !== reg.spec.resourceType)
      continue;
    if (mode === 'existing' && compareByAge(other, reg) >= 0) continue;
    if (winner === undefined || compareByAge(other, winner) < 0) winner = other;
  }
  return winner;
}

/** The uniqueness error for `reg` if another registration already has its resourceType (SPEC §3). */
export function validateRegistrationUnique(
  reg: ResourceRegistration,
  all: Iterable<ResourceRegistration>,
  mode: 'create' | 'existing',
): FieldError[] {
  const other = precedingRegistration(reg, all, mode);
  if (other === undefined) return [];
  return [
    {
      type: 'Duplicate',
      path: 'spec.resourceType',
      message: `resource type '${reg.spec.resourceType}' is already registered by ResourceRegistration '${other.metadata.name ?? ''}'; use a different resourceType or edit that registration`,
    },
  ];
}

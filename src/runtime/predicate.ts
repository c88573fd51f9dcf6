// Event filters (controller-runtime's pkg/predicate). Creates and deletes always pass the change
// predicates; they only judge updates.
import type { ObjectEvent } from './handler.ts';

export type Predicate = (event: ObjectEvent) => boolean;

/**
 * Passes updates whose metadata.generation changed, i.e. spec changes, and drops status-only writes.
 * Caveat (as upstream): kinds without a generation (ConfigMap, Secret) never pass an update, and label or
 * annotation changes do not bump the generation; combine with labelsChanged/annotationsChanged via anyOf.
 */
export const generationChanged: Predicate = (event) =>
  event.type !== 'update' || event.oldObject.metadata?.generation !== event.object.metadata?.generation;

export const labelsChanged: Predicate = (event) =>
  event.type !== 'update' || !sameMap(event.oldObject.metadata?.labels, event.object.metadata?.labels);

export const annotationsChanged: Predicate = (event) =>
  event.type !== 'update' ||
  !sameMap(event.oldObject.metadata?.annotations, event.object.metadata?.annotations);

/** Passes updates where anything was written (resourceVersion moved); every real update does. */
export const resourceVersionChanged: Predicate = (event) =>
  event.type !== 'update' ||
  event.oldObject.metadata?.resourceVersion !== event.object.metadata?.resourceVersion;

export function anyOf(...predicates: Predicate[]): Predicate {
  return (event) => predicates.some((p) => p(event));
}

export function allOf(...predicates: Predicate[]): Predicate {
  return (event) => predicates.every((p) => p(event));
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  return ak.length === bk.length && ak.every((k) => a?.[k] === b?.[k] && Object.hasOwn(b ?? {}, k));
}

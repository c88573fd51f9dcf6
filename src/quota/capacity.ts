// The working capacity of one decision round: limit and allocated per resourceType, updated as claims are
// decided so that each claim sees what earlier claims left. A plain map, thrown away after the round.
import { addAmount, subtractAmount } from './amount.ts';
import type { FiguresByType } from './figures.ts';

export interface Room {
  readonly limit: number;
  allocated: number;
  /** Active grants for the resourceType; 0 means "no grant yet" (start-up wait). */
  readonly grantCount: number;
}

export type Capacity = Map<string, Room>;

export function capacityFrom(figures: FiguresByType): Capacity {
  const capacity: Capacity = new Map();
  for (const [type, { limit, allocated, grantCount }] of figures) {
    capacity.set(type, { limit, allocated, grantCount });
  }
  return capacity;
}

export function room(capacity: Capacity, resourceType: string): Room {
  let entry = capacity.get(resourceType);
  if (entry === undefined) {
    entry = { limit: 0, allocated: 0, grantCount: 0 };
    capacity.set(resourceType, entry);
  }
  return entry;
}

export function available(entry: Room): number {
  return subtractAmount(entry.limit, entry.allocated);
}

/** Books amounts (the caller has checked they fit). */
export function take(capacity: Capacity, amounts: ReadonlyMap<string, number>): void {
  for (const [type, amount] of amounts) {
    const entry = room(capacity, type);
    entry.allocated = addAmount(entry.allocated, amount);
  }
}

/** Frees amounts a claim held (it is being denied as a whole). */
export function release(capacity: Capacity, amounts: ReadonlyMap<string, number>): void {
  for (const [type, amount] of amounts) {
    const entry = room(capacity, type);
    entry.allocated = subtractAmount(entry.allocated, amount);
  }
}

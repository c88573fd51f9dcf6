// Fixtures for the quota engine's tests (not exported from index.ts): short builders so that a table row
// reads like the situation it describes.
import { formatConsumerKey } from './consumer.ts';
import type { Decision } from './decision.ts';
import type {
  AllocationInput,
  ClaimInput,
  ConsumerSnapshot,
  GrantInput,
  RegistrationInput,
  StartupWaitInput,
} from './types.ts';

/** The Organization most tests decide for. */
export const ACME = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  namespace: '',
  name: 'acme',
};
export const CONSUMER = formatConsumerKey(ACME);

/** 2024-01-01T00:00:00Z: claims are created at T0 + n seconds. */
export const T0 = Date.UTC(2024, 0, 1);
export const at = (seconds: number): number => T0 + seconds * 1000;

export function grant(
  name: string,
  allowances: Record<string, number>,
  options: { active?: boolean; namespace?: string; generation?: number } = {},
): GrantInput {
  return {
    namespace: options.namespace ?? 'quota-system',
    name,
    active: options.active ?? true,
    ...(options.generation === undefined ? {} : { generation: options.generation }),
    allowances: Object.entries(allowances).map(([resourceType, amount]) => ({ resourceType, amount })),
  };
}

export function claim(
  name: string,
  requests: Record<string, number>,
  options: { at?: number; namespace?: string; allocations?: AllocationInput[]; deleting?: boolean } = {},
): ClaimInput {
  return {
    namespace: options.namespace ?? 'default',
    name,
    uid: `uid-${name}`,
    creationTimestamp: options.at ?? T0,
    requests: Object.entries(requests).map(([resourceType, amount]) => ({ resourceType, amount })),
    allocations: options.allocations ?? [],
    ...(options.deleting === undefined ? {} : { deleting: options.deleting }),
  };
}

export const granted = (resourceType: string, allocatedAmount: number): AllocationInput => ({
  resourceType,
  status: 'Granted',
  allocatedAmount,
  reason: 'QuotaAvailable',
});
export const denied = (resourceType: string): AllocationInput => ({
  resourceType,
  status: 'Denied',
  reason: 'QuotaExceeded',
  message: 'Resource quota exceeded: requested 9, available 0',
});
export const pending = (resourceType: string): AllocationInput => ({ resourceType, status: 'Pending' });

/** A wait decision for `claim` with nothing to wait for: what it changes and records is nothing. */
export const waitFor = (claim: Decision['claim']): Decision => ({
  kind: 'wait',
  claim,
  until: 0,
  cause: 'awaiting-grants',
  resourceTypes: [],
  message: '',
});

export function registered(...resourceTypes: string[]): Map<string, RegistrationInput> {
  return new Map(resourceTypes.map((type) => [type, { active: true, type: 'Entity' }]));
}

export function snapshot(parts: {
  grants?: GrantInput[];
  claims?: ClaimInput[];
  registrations?: Map<string, RegistrationInput>;
  now?: number;
  startupWait?: StartupWaitInput;
  decidingSince?: number;
}): ConsumerSnapshot {
  const claims = parts.claims ?? [];
  const types = new Set([
    ...(parts.grants ?? []).flatMap((g) => g.allowances.map((a) => a.resourceType)),
    ...claims.flatMap((c) => c.requests.map((r) => r.resourceType)),
  ]);
  return {
    consumerKey: CONSUMER,
    registrations: parts.registrations ?? registered(...types),
    grants: parts.grants ?? [],
    claims,
    now: parts.now ?? at(1),
    ...(parts.startupWait === undefined ? {} : { startupWait: parts.startupWait }),
    ...(parts.decidingSince === undefined ? {} : { decidingSince: parts.decidingSince }),
  };
}

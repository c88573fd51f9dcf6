// Plain input types for the quota engine: one consumer's registrations, grants and claims, already read from
// the cache by a controller and adapted from the API objects. The engine never imports the API types (they
// carry Kubernetes metadata the decisions do not need); controllers convert. Times are epoch milliseconds.

import type { DisplayUnits } from './display-units.ts';

export type RegistrationType = 'Entity' | 'Allocation' | 'Feature';

/**
 * A ResourceRegistration as the engine sees it. `type` decides only one thing: a `Feature` is a boolean
 * entitlement, granted and never claimed, so a claim requesting one is denied (ValidationFailed). Entity and
 * Allocation are informational, as in Milo.
 */
export interface RegistrationInput {
  readonly active: boolean;
  /**
   * The registration exists but the operator has not evaluated it yet (no Active condition): claims for
   * its type wait for its evaluation (bounded by the start-up window) instead of being denied as unregistered.
   */
  readonly pending?: boolean;
  readonly type: RegistrationType;
  /**
   * The display units messages show next to the base figures; present only when display figures differ
   * from base figures (messageDisplayUnits: unitConversionFactor ≠ 1). Decisions never read it.
   */
  readonly display?: DisplayUnits;
}

export interface AllowanceInput {
  readonly resourceType: string;
  readonly amount: number;
}

/** A ResourceGrant for this consumer. `active` is the grant's Active condition, computed by its controller. */
export interface GrantInput {
  readonly namespace: string;
  readonly name: string;
  readonly active: boolean;
  /** metadata.generation, reported as `lastObservedGeneration` in contributingGrantRefs; 0 when absent. */
  readonly generation?: number;
  /** One entry per allowance bucket; several entries for one resourceType add up. */
  readonly allowances: readonly AllowanceInput[];
}

export interface RequestInput {
  readonly resourceType: string;
  readonly amount: number;
}

export type AllocationStatus = 'Granted' | 'Denied' | 'Pending';

/** One entry of a claim's `status.allocations[]` (keyed by resourceType). */
export interface AllocationInput {
  readonly resourceType: string;
  readonly status: AllocationStatus;
  /** What a Granted entry holds. A Granted entry without it counts as the request's amount (never less). */
  readonly allocatedAmount?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly allocatingBucket?: string;
}

export interface ClaimInput {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  /** metadata.creationTimestamp in epoch ms; the first ordering key (then name, namespace, uid). */
  readonly creationTimestamp: number;
  readonly requests: readonly RequestInput[];
  readonly allocations: readonly AllocationInput[];
  /** metadata.deletionTimestamp is set: the claim holds nothing and is never decided. */
  readonly deleting?: boolean;
  /** Read only by orderings that rank by it (PRIORITY_THEN_FCFS); FCFS ignores it. Absent: 0. */
  readonly priority?: number;
}

/**
 * Present when a Ready GrantCreationPolicy targets this consumer and its grants have not appeared yet
 * (SPEC §4.6, the start-up race). A claim that would be denied for lack of an Active grant then waits until
 * `creationTimestamp + windowMs` instead of being denied.
 */
export interface StartupWaitInput {
  /** Default DEFAULT_STARTUP_WAIT_MS (10 s). */
  readonly windowMs?: number;
  /** The resourceTypes the policy will grant; when absent, any resourceType may still get a grant. */
  readonly resourceTypes?: readonly string[];
}

/** The sum over settled claims of what they hold of one resourceType. */
export interface SettledTotals {
  /** Their Granted amounts, summed (saturating at MAX_AMOUNT, as computeFigures sums). */
  readonly allocated: number;
  /** How many of them hold some of it. */
  readonly claimCount: number;
  /** How many of them request it (a figure exists for every requested resourceType). */
  readonly requesting: number;
}

/** Everything one decision round needs about one consumer. */
export interface ConsumerSnapshot {
  /** `apiGroup/kind/namespace/name` (see formatConsumerKey). */
  readonly consumerKey: string;
  /** Registrations by resourceType. */
  readonly registrations: ReadonlyMap<string, RegistrationInput>;
  readonly grants: readonly GrantInput[];
  readonly claims: readonly ClaimInput[];
  /**
   * What the consumer's settled claims hold, per resourceType, when they are left out of `claims`: claims
   * with every request decided, not being deleted (SettledTotals). A busy consumer's passes then cost its
   * open claims, not all of them. Absent: `claims` holds every claim.
   */
  readonly settled?: ReadonlyMap<string, SettledTotals>;
  readonly now: number;
  readonly startupWait?: StartupWaitInput;
  /**
   * When this decider started deciding (ms). A start-up window never ends before `decidingSince + windowMs`,
   * so claims applied long before the operator came up (a GitOps sync that installs everything at once) still
   * wait for the registrations and grants it has not evaluated yet, instead of being denied for good.
   */
  readonly decidingSince?: number;
  /** Names the consumer's bucket for a resourceType (`allocatingBucket`). Default bucketName. */
  readonly bucketName?: (consumerKey: string, resourceType: string) => string;
  /** The order open claims are decided in (ordering.ts). Default FCFS. */
  readonly ordering?: Ordering;
}

/**
 * The order in which a round decides a consumer's open claims (compare Kueue's StrictFIFO and BestEffortFIFO);
 * the orderings themselves are in ordering.ts.
 */
export interface Ordering {
  /**
   * Which of two open claims is decided first (negative: `a`). Must be a total order, so that a round is
   * deterministic: end on compareClaims to break ties.
   */
  readonly compare: (a: ClaimInput, b: ClaimInput) => number;
  /**
   * A claim that waits (for a registration, or for grants in the start-up window) holds back later claims on
   * each resourceType it requests, so none of them takes what it waits for (StrictFIFO). False: later claims
   * are decided as if it were not there (BestEffortFIFO), and may take the capacity first.
   */
  readonly waitingHoldsLaterBack: boolean;
}

export const DEFAULT_STARTUP_WAIT_MS = 10_000;

/** A claim by namespace and name: what a service passes to wait for or release its claim (src/client). */
export interface ClaimRef {
  readonly namespace: string;
  readonly name: string;
}

/** Identifies one claim object in decisions and in the ledger: a claim re-created under its name is another. */
export interface ClaimIdentity extends ClaimRef {
  readonly uid: string;
}

/** `namespace/name`: the claim's key in decisions and in the ledger. */
export function claimKey(claim: { readonly namespace: string; readonly name: string }): string {
  return `${claim.namespace}/${claim.name}`;
}

type AllocationDetails = Pick<AllocationInput, 'allocatedAmount' | 'reason' | 'message' | 'allocatingBucket'>;

/** The optional fields of an allocation entry that are set (a status entry's or an input's alike). */
export function allocationDetails(entry: AllocationDetails): AllocationDetails {
  const { allocatedAmount, reason, message, allocatingBucket } = entry;
  return {
    ...(allocatedAmount === undefined ? {} : { allocatedAmount }),
    ...(reason === undefined ? {} : { reason }),
    ...(message === undefined ? {} : { message }),
    ...(allocatingBucket === undefined ? {} : { allocatingBucket }),
  };
}

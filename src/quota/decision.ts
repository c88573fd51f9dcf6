// What a decision round returns: one decision per claim it could decide, as a discriminated union, plus the
// bucket figures after applying them. Controllers write `allocations` as they are; admission and Events
// format `reasons`.
import type { FiguresByType } from './figures.ts';
import type { DenialReason } from './messages.ts';
import type { AllocationInput, ClaimIdentity } from './types.ts';

/**
 * Why a request is denied:
 * - `insufficient`: the amount exceeds what is available to the claim at its turn;
 * - `unregistered`: no Active ResourceRegistration for the resourceType;
 * - `invalid`: the claim requests the resourceType twice;
 * - `sibling`: the request alone would be acceptable, but another request of the claim is denied.
 */
export type DenialCause = 'insufficient' | 'unregistered' | 'feature' | 'invalid' | 'sibling';

export interface RequestDenial {
  readonly resourceType: string;
  readonly requested: number;
  /** Bucket figures at the claim's turn (after the decisions on earlier claims in the round). */
  readonly limit: number;
  readonly allocated: number;
  readonly available: number;
  readonly cause: DenialCause;
  readonly reason: DenialReason;
  readonly message: string;
}

export type WaitCause = 'awaiting-grants' | 'awaiting-registration' | 'behind-waiting-claim';

export type Decision =
  | {
      readonly kind: 'grant';
      readonly claim: ClaimIdentity;
      /** Granted entries for every request that was open; entries already final are left as they are. */
      readonly allocations: readonly AllocationInput[];
    }
  | {
      readonly kind: 'deny';
      readonly claim: ClaimIdentity;
      /** ValidationFailed when any request is unregistered or invalid, else QuotaExceeded. */
      readonly reason: DenialReason;
      /** One per open request, in request order. */
      readonly reasons: readonly RequestDenial[];
      /** Denied entries for every request that was open. */
      readonly allocations: readonly AllocationInput[];
    }
  | {
      readonly kind: 'wait';
      readonly claim: ClaimIdentity;
      /** Epoch ms after which the next round decides the claim; requeue then, or earlier on grant events. */
      readonly until: number;
      readonly cause: WaitCause;
      /** For awaiting-grants, the resourceTypes without an Active grant; else the ones shared with the blocker. */
      readonly resourceTypes: readonly string[];
      readonly message: string;
    };

export interface DecisionRound {
  /** In decision order (creationTimestamp, then name, namespace, uid). */
  readonly decisions: readonly Decision[];
  /** Bucket figures once every grant and deny of this round is applied. */
  readonly figures: FiguresByType;
}

// Reasons and messages written on claims. Where Milo has a string (reference §2.3, §6.1) it is reused
// verbatim, because users and tests match on them; the rest follow the same tone.
//
// Display units (docs/design.md, "Figures in messages"): Milo's sentence keeps its base-unit figures verbatim,
// and when the registration's display figures differ from its base figures (unitConversionFactor ≠ 1) the
// display form follows in parentheses: `Resource quota exceeded: requested 4000, available 2000 (4 vCPUs
// requested, 2 vCPUs available)`. Machines read figures from structured sources, never from this text.
import { type DisplayUnits, withDisplayFigures } from './display-units.ts';

/** Reasons allowed on a claim's Granted condition (the CRD's CEL rule lists exactly these four). */
export type ClaimReason = 'QuotaAvailable' | 'QuotaExceeded' | 'ValidationFailed' | 'PendingEvaluation';

/** Reasons the engine writes on a denied allocation. */
export type DenialReason = 'QuotaExceeded' | 'ValidationFailed';

export const GRANTED_ALLOCATION = { reason: 'QuotaAvailable', message: 'Capacity reserved' } as const;

/** Milo's per-request denial message, then the figures in display units when `display` is given. */
export function quotaExceededMessage(requested: number, available: number, display?: DisplayUnits): string {
  const milo = `Resource quota exceeded: requested ${requested}, available ${available}`;
  const figures = [
    ['requested', requested],
    ['available', available],
  ] as const;
  return withDisplayFigures(milo, figures, display);
}

/** Milo's admission message for a resourceType without an Active registration. */
export function notRegisteredMessage(resourceType: string): string {
  return `Resource type '${resourceType}' is not available for quota management. Enable quota tracking for this resource type by registering it with the quota system`;
}

/** A claim requesting a Feature registration's resource type (features are granted, never claimed). */
export function featureClaimMessage(resourceType: string): string {
  return `Resource type '${resourceType}' is registered as a Feature: a feature is switched on by a ResourceGrant and is never claimed; remove it from the claim's requests`;
}

/** Milo's admission message for a resourceType requested twice (`index` is the repeat). */
export function duplicateRequestMessage(resourceType: string, index: number): string {
  return `resource type '${resourceType}' is already specified in request ${index}`;
}

const DENIED_WITH_CLAIM = 'Not reserved: the claim is granted all together or not at all';

/** A request that would have fitted but is denied with the rest of its claim (claims are all or nothing). */
export function deniedWithClaimMessage(cause: string, causeMessage: string): string {
  return `${DENIED_WITH_CLAIM}, and its request for '${cause}' was denied (${causeMessage})`;
}

/**
 * True for a message made by deniedWithClaimMessage. Allocations keep Milo's reason vocabulary, so this is
 * how a roll-up tells the request that caused a denial from the ones denied alongside it.
 */
export function isDeniedWithClaimMessage(message: string | undefined): boolean {
  return message?.startsWith(DENIED_WITH_CLAIM) === true;
}

/** ISO time, or raw epoch ms for a value outside Date's range (a huge configured window), never a throw. */
function time(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms since the epoch` : date.toISOString();
}

export function awaitingGrantsMessage(resourceTypes: readonly string[], until: number): string {
  const types = resourceTypes.map((type) => `'${type}'`).join(', ');
  return `Awaiting grants for ${types} from a GrantCreationPolicy that targets this consumer; decided by ${time(until)} at the latest`;
}

export function awaitingRegistrationMessage(resourceTypes: readonly string[], until: number): string {
  const types = resourceTypes.map((type) => `'${type}'`).join(', ');
  return `Awaiting the evaluation of the ResourceRegistration for ${types}; decided by ${time(until)} at the latest`;
}

export function behindWaitingClaimMessage(claimKey: string, until: number): string {
  return `Awaiting the decision on earlier claim ${claimKey}, which requests the same resource types and is awaiting grants; decided by ${time(until)} at the latest`;
}

/** Condition messages (reference §2.3). */
export const CLAIM_PENDING_DEFAULT_MESSAGE = 'Awaiting capacity evaluation';
export const CLAIM_DENIED_MESSAGE =
  'Insufficient quota resources. Contact your account administrator to review quota limits and usage.';

export function claimGrantedMessage(requestCount: number): string {
  return `All ${requestCount} resource requests have been granted`;
}

export function claimPendingMessage(granted: number, pending: number): string {
  return `${CLAIM_PENDING_DEFAULT_MESSAGE}: ${granted} granted, ${pending} pending`;
}

// The words a refused create comes back with (SPEC §6, Milo 3de48987 `pkg/quota/admission/errors.go`). Milo
// gives each cause its own sentence: deny, timeout ("took too long"), conflict, misconfiguration, internal
// error. Clients in the wild match those sentences, so each message here starts with Milo's wording; what
// this project adds comes after it: for a denial, per request that does not fit, its figures, the consumer
// and the policy (inside Milo's parentheses, where Milo put the claim's message), so the user knows what
// to ask for; for the others, the cause. Machines tell the causes apart by the status too (review.ts):
// denial and misconfiguration 403 Forbidden, timeout 504 Timeout, conflict 409 Conflict, internal 500.
// A denial's figures are in base units; when the registration's display figures differ (factor ≠ 1) the
// display form follows them, and the figures also go out structured, as status.details.causes (denialCauses).
import { type ConsumerRef, type QuotaFigureCause, quotaFigureCauses } from '../../api/index.ts';
import { type DisplayUnits, withDisplayFigures } from '../../quota/display-units.ts';

export interface ShortRequest {
  readonly resourceType: string;
  readonly requested: number;
  readonly limit: number;
  readonly allocated: number;
  readonly available: number;
  /** The registration's display units when its display figures differ from base (messageDisplayUnits). */
  readonly display?: DisplayUnits;
}

export interface DenialInput {
  readonly consumer: ConsumerRef;
  readonly policy: string;
  readonly requests: readonly ShortRequest[];
}

/** Milo's words, verbatim. */
export const MILO_TEXT = {
  denied: "You've reached your quota for this resource type",
  deniedAdvice: 'Delete unused resources to free up capacity, or contact support to request a higher limit.',
  timeout:
    'Your request took too long to be checked against your quota. Please try again in a moment — if this keeps happening, contact support.',
  conflict: "We're still cleaning up from a previous attempt to create this resource",
  conflictAdvice: 'Please try again in a few seconds.',
  misconfigured:
    "Quota enforcement for this resource type is misconfigured and can't be applied. This needs a fix from the service provider — please contact support.",
  internal:
    'Something went wrong while checking your quota for this request. Please try again — if this keeps happening, contact support.',
} as const;

/** Milo's claim message (its QuotaExceeded condition) that opens our figures. */
export const DENIAL_PREFIX = 'Insufficient quota resources available';

export function consumerText(ref: ConsumerRef): string {
  const group = ref.apiGroup ? `${ref.apiGroup}/` : '';
  const ns = ref.namespace ? `${ref.namespace}/` : '';
  return `${group}${ref.kind} ${ns}${ref.name}`;
}

/** `type: requested 4000, limit 10000, allocated 8000, available 2000 (4 vCPUs requested, …)`. */
function requestFigures(r: ShortRequest): string {
  const base = `${r.resourceType}: requested ${r.requested}, limit ${r.limit}, allocated ${r.allocated}, available ${r.available}`;
  const figures = [
    ['requested', r.requested],
    ['limit', r.limit],
    ['allocated', r.allocated],
    ['available', r.available],
  ] as const;
  return withDisplayFigures(base, figures, r.display);
}

/** The denial's figures for machines (base units), as the 403's status.details.causes. */
export function denialCauses(denials: readonly DenialInput[]): QuotaFigureCause[] {
  return quotaFigureCauses(
    denials.map((d) =>
      d.requests.map(({ resourceType, requested, limit, allocated, available }) => ({
        resourceType,
        requested,
        limit,
        allocated,
        available,
      })),
    ),
  );
}

/** A quota denial: Milo's sentence, our figures in its parentheses. */
export function denialMessage(denials: readonly DenialInput[]): string {
  const parts = denials.map((d) => {
    const figures = d.requests.map(requestFigures).join('; ');
    return `${figures} (consumer ${consumerText(d.consumer)}, policy ${d.policy})`;
  });
  return `${MILO_TEXT.denied} (${DENIAL_PREFIX}: ${parts.join('; ')}). ${MILO_TEXT.deniedAdvice}`;
}

/** No decision within the wait: retryable, never a denial. */
export function timeoutMessage(): string {
  return `${MILO_TEXT.timeout} Timed out waiting for the quota decision; the create was not admitted.`;
}

/** The claim's name is held by another attempt right now: retryable. */
export function conflictMessage(detail: string): string {
  return `${MILO_TEXT.conflict} (${detail}). ${MILO_TEXT.conflictAdvice}`;
}

/** The policy cannot be applied as written (or the cluster's setup for it is missing): needs an operator. */
export function misconfiguredMessage(detail: string): string {
  return `${MILO_TEXT.misconfigured} ${detail}`;
}

/** The webhook itself failed (fail closed, with the cause). */
export function internalMessage(detail: string): string {
  return `${MILO_TEXT.internal} Could not claim quota: ${detail}`;
}

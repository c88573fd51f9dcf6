// What a claim's status says about its decision. Pure, so services, the CLI and tests share one reading.
//
// - Granted: the `Granted` condition is True and no request is Denied.
// - Denied: the condition is False with reason QuotaExceeded or ValidationFailed, or any allocation entry is
//   Denied (an entry can be written before the condition is rolled up; decided entries are final).
// - Pending: anything else, including the CRD's default `Granted=False/PendingEvaluation` that every new
//   claim shows at once. That default is never a denial.
import { CONDITION_GRANTED, findCondition, type ResourceClaim } from '../api/index.ts';

export type DenialReason = 'QuotaExceeded' | 'ValidationFailed';

/** One denied request, with the figures its message states (Milo: `requested 4, available 2`). */
export interface RequestDenial {
  readonly resourceType: string;
  readonly reason: string;
  readonly message: string;
  /** From the message, else the claim's requested amount. */
  readonly requested?: number;
  readonly available?: number;
  readonly limit?: number;
  readonly allocated?: number;
}

export type ClaimDecision =
  | { readonly outcome: 'granted'; readonly message: string }
  | {
      readonly outcome: 'denied';
      readonly reason: DenialReason;
      readonly message: string;
      readonly denials: readonly RequestDenial[];
    }
  | { readonly outcome: 'pending'; readonly reason: string; readonly message: string };

const DENIAL_REASONS: readonly string[] = ['QuotaExceeded', 'ValidationFailed'];
const FIGURE = /\b(requested|available|limit|allocated)\b[:=]?\s*(\d+)/gi;

type Figures = Partial<Record<'requested' | 'available' | 'limit' | 'allocated', number>>;

/** The figures a denial message states, e.g. `requested 4, available 2` → { requested: 4, available: 2 }. */
export function parseFigures(message: string): Figures {
  const figures: Figures = {};
  for (const [, word, digits] of message.matchAll(FIGURE)) {
    const key = (word ?? '').toLowerCase() as keyof Figures;
    const value = Number(digits);
    if (figures[key] === undefined && Number.isSafeInteger(value)) figures[key] = value;
  }
  return figures;
}

function denials(claim: ResourceClaim): RequestDenial[] {
  const amounts = new Map(claim.spec.requests.map((r) => [r.resourceType, r.amount]));
  return (claim.status?.allocations ?? [])
    .filter((a) => a.status === 'Denied')
    .map((a) => {
      const message = a.message ?? '';
      const requested = amounts.get(a.resourceType);
      return {
        resourceType: a.resourceType,
        reason: a.reason ?? 'QuotaExceeded',
        message,
        ...(requested === undefined ? {} : { requested }),
        ...parseFigures(message),
      };
    });
}

export function claimDecision(claim: ResourceClaim): ClaimDecision {
  const condition = findCondition(claim.status?.conditions, CONDITION_GRANTED);
  const denied = denials(claim);
  const conditionDenies =
    condition?.status === 'False' && DENIAL_REASONS.includes(condition.reason) ? condition : undefined;
  if (conditionDenies !== undefined || denied.length > 0) {
    const reason = conditionDenies?.reason ?? denied[0]?.reason;
    const message =
      conditionDenies?.message ?? denied.map((d) => `${d.resourceType}: ${d.message}`).join('; ');
    return {
      outcome: 'denied',
      reason: reason === 'ValidationFailed' ? 'ValidationFailed' : 'QuotaExceeded',
      message,
      denials: denied,
    };
  }
  if (condition?.status === 'True') return { outcome: 'granted', message: condition.message };
  return {
    outcome: 'pending',
    reason: condition?.reason ?? 'PendingEvaluation',
    message: condition?.message ?? 'no Granted condition yet: the quota operator has not seen the claim',
  };
}

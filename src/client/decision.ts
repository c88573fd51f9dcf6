// What a claim's status says about its decision. Pure, so services, the CLI and tests share one reading.
//
// - Granted: the `Granted` condition is True and no request is Denied.
// - Denied: the condition is False with reason QuotaExceeded or ValidationFailed, or any allocation entry is
//   Denied (an entry can be written before the condition is rolled up; decided entries are final).
// - Pending: anything else, including the CRD's default `Granted=False/PendingEvaluation` that every new
//   claim shows at once. That default is never a denial.
import { CONDITION_GRANTED, findCondition, type ResourceClaim } from '../api/index.ts';
import { QUOTA_EXCEEDED_FIGURES } from '../quota/messages.ts';

export type DenialReason = 'QuotaExceeded' | 'ValidationFailed';

/**
 * One denied request, with its figures in base units. `requested` is the claim's own amount (spec.requests);
 * `available` comes from Milo's sentence when the message starts with it (`Resource quota exceeded:
 * requested 4000, available 2000`, which stays verbatim; any display-unit form after it is for people and is
 * never read). A request denied alongside another (claims are all or nothing) has no `available`: the
 * figures in its message are the other request's. Claim statuses carry no limit or allocated figure (Milo's
 * schema has none); `limit` and `allocated` stay in the type for compatibility and are never set from a claim.
 */
export interface RequestDenial {
  readonly resourceType: string;
  readonly reason: string;
  readonly message: string;
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

/**
 * The first figure of each name a free-text message states, e.g. `requested 4, available 2` →
 * { requested: 4, available: 2 }. A fallback for text from elsewhere: claimDecision does not use it (it reads
 * Milo's sentence only), and a refused create's figures come structured from refusalFigures.
 */
export function parseFigures(message: string): Figures {
  const figures: Figures = {};
  for (const [, word, digits] of message.matchAll(FIGURE)) {
    const key = (word ?? '').toLowerCase() as keyof Figures;
    const value = Number(digits);
    if (figures[key] === undefined && Number.isSafeInteger(value)) figures[key] = value;
  }
  return figures;
}

/** The figures of Milo's sentence at the start of an allocation's message, else none. */
function miloFigures(message: string): Figures {
  const match = QUOTA_EXCEEDED_FIGURES.exec(message);
  if (match === null) return {};
  const [requested, available] = [Number(match[1]), Number(match[2])];
  return Number.isSafeInteger(requested) && Number.isSafeInteger(available) ? { requested, available } : {};
}

function denials(claim: ResourceClaim): RequestDenial[] {
  const amounts = new Map(claim.spec.requests.map((r) => [r.resourceType, r.amount]));
  return (claim.status?.allocations ?? [])
    .filter((a) => a.status === 'Denied')
    .map((a) => {
      const message = a.message ?? '';
      const stated = miloFigures(message);
      const requested = amounts.get(a.resourceType) ?? stated.requested;
      return {
        resourceType: a.resourceType,
        reason: a.reason ?? 'QuotaExceeded',
        message,
        ...(requested === undefined ? {} : { requested }),
        ...(stated.available === undefined ? {} : { available: stated.available }),
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

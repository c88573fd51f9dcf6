// What a claim's status says about its decision. Pure, so services, the CLI and tests share one reading.
//
// The outcome is the engine's one reader, `claimOutcome` (src/quota), which the operator's own admission
// waiter and claim guard use too: denied as soon as any allocation is Denied (decided entries are final),
// granted when every request's allocation is Granted, else pending, including the CRD's default
// `Granted=False/PendingEvaluation` that every new claim shows at once (never a denial). The `Granted`
// condition, which the operator rolls up from the allocations in the same status write, gives the messages.
import { CONDITION_GRANTED, claimGrantedMessage, findCondition, type ResourceClaim } from '../api/index.ts';
import { claimOutcome, type DenialReason, type RequestDenial } from '../quota/index.ts';

/**
 * One denied request as the claim states it: the claim's own amount (`spec.requests`, base units) and the
 * operator's reason and message. A claim's status carries no bucket figures (Milo's schema has none), and
 * figures are never read back out of messages: the consumer's AllowanceBucket has them, and a create the
 * webhook refused carries them structured (`refusalFigures`).
 */
export type DeniedRequest = Pick<RequestDenial, 'resourceType' | 'requested' | 'reason' | 'message'>;

export type ClaimDecision =
  | { readonly outcome: 'granted'; readonly message: string }
  | {
      readonly outcome: 'denied';
      readonly reason: DenialReason;
      readonly message: string;
      readonly denials: readonly DeniedRequest[];
    }
  | { readonly outcome: 'pending'; readonly reason: string; readonly message: string };

/** The denied requests, in request order (the first allocation of each requested resourceType). */
function deniedRequests(claim: ResourceClaim): DeniedRequest[] {
  const allocations = claim.status?.allocations ?? [];
  const seen = new Set<string>();
  const denied: DeniedRequest[] = [];
  for (const request of claim.spec.requests) {
    if (seen.has(request.resourceType)) continue;
    seen.add(request.resourceType);
    const allocation = allocations.find((a) => a.resourceType === request.resourceType);
    if (allocation?.status !== 'Denied') continue;
    denied.push({
      resourceType: request.resourceType,
      requested: request.amount,
      reason: allocation.reason === 'ValidationFailed' ? 'ValidationFailed' : 'QuotaExceeded',
      message: allocation.message ?? '',
    });
  }
  return denied;
}

export function claimDecision(claim: ResourceClaim): ClaimDecision {
  const condition = findCondition(claim.status?.conditions, CONDITION_GRANTED);
  const outcome = claimOutcome(claim.spec.requests, claim.status?.allocations ?? []);
  if (outcome === 'granted') {
    const message = condition?.status === 'True' ? condition.message : undefined;
    return { outcome, message: message ?? claimGrantedMessage(claim.spec.requests.length) };
  }
  if (outcome === 'denied') {
    const denials = deniedRequests(claim);
    // ValidationFailed when any request is invalid, as the operator's roll-up says (quota/claim-condition.ts)
    const reason = denials.some((d) => d.reason === 'ValidationFailed')
      ? 'ValidationFailed'
      : 'QuotaExceeded';
    const rolledUp =
      condition?.status === 'False' && condition.reason === reason ? condition.message : undefined;
    const listed = denials.map((d) => `${d.resourceType}: ${d.message}`).join('; ');
    return { outcome, reason, message: rolledUp ?? (listed || 'denied'), denials };
  }
  return {
    outcome,
    reason: condition?.reason ?? 'PendingEvaluation',
    message: condition?.message ?? 'no Granted condition yet: the quota operator has not seen the claim',
  };
}

// The decision on one claim, at its turn in the round. The claim is the unit: every open request is granted
// together or the whole claim is denied, so a claim never holds part of what it asked for.
import type { Capacity, Room } from './capacity.ts';
import { available, release, room, take } from './capacity.ts';
import type { ClaimState } from './claim-state.ts';
import { bucketName } from './consumer.ts';
import type { Decision, DenialCause, RequestDenial } from './decision.ts';
import type { DenialReason } from './messages.ts';
import * as text from './messages.ts';
import type { ClaimIdentity, ClaimInput, ConsumerSnapshot, RequestInput } from './types.ts';
import { claimKey, DEFAULT_STARTUP_WAIT_MS } from './types.ts';

export interface RoundContext {
  readonly snapshot: ConsumerSnapshot;
  readonly capacity: Capacity;
  /** resourceType → the earliest waiting claim requesting it, and when the wait ends at the latest. */
  readonly blocked: Map<string, { readonly until: number; readonly claimKey: string }>;
  /** The ordering's rule: a waiting claim holds later claims back on its resourceTypes (Ordering). */
  readonly waitingHoldsLaterBack: boolean;
}

type Denial = Omit<RequestDenial, 'requested' | 'limit' | 'allocated' | 'available' | 'resourceType'>;

function denial(ctx: RoundContext, request: RequestInput, why: Denial): RequestDenial {
  const entry = room(ctx.capacity, request.resourceType);
  const { limit, allocated } = entry;
  const { resourceType, amount: requested } = request;
  return { resourceType, requested, limit, allocated, available: available(entry), ...why };
}

function deny(ctx: RoundContext, ref: ClaimIdentity, state: ClaimState, reasons: RequestDenial[]): Decision {
  // A denied claim holds nothing: release what an older, non-atomic writer may have granted it.
  if (state.holds) release(ctx.capacity, state.granted);
  const allocations = reasons.map(({ resourceType, reason, message }) => ({
    resourceType,
    status: 'Denied' as const,
    reason,
    message,
  }));
  const reason: DenialReason = reasons.some((r) => r.reason === 'ValidationFailed')
    ? 'ValidationFailed'
    : 'QuotaExceeded';
  return { kind: 'deny', claim: ref, reason, reasons, allocations };
}

/** Denies every open request: those in `causes` for their own cause, the others alongside them. */
function denyFor(
  ctx: RoundContext,
  ref: ClaimIdentity,
  state: ClaimState,
  reason: DenialReason,
  causes: ReadonlyMap<string, { cause: DenialCause; message: string }>,
): Decision {
  const [firstType, first] = [...causes][0] ?? ['', { message: '' }];
  const sibling = {
    cause: 'sibling' as const,
    reason,
    message: text.deniedWithClaimMessage(firstType, first.message),
  };
  const reasons = state.open.map((request) => {
    const own = causes.get(request.resourceType);
    return denial(ctx, request, own === undefined ? sibling : { ...own, reason });
  });
  return deny(ctx, ref, state, reasons);
}

/** Start-up windows run from the claim's creation, or from when this decider started if that is later. */
function windowStart(ctx: RoundContext, claim: ClaimInput): number {
  return Math.max(claim.creationTimestamp, ctx.snapshot.decidingSince ?? 0);
}

function block(ctx: RoundContext, claim: ClaimInput, state: ClaimState, until: number): void {
  for (const { resourceType } of state.open) {
    const previous = ctx.blocked.get(resourceType);
    const key = previous?.claimKey ?? claimKey(claim);
    ctx.blocked.set(resourceType, { until: Math.max(until, previous?.until ?? until), claimKey: key });
  }
}

/** Why each open request cannot be decided on capacity: invalid ones, and those whose registration is pending. */
interface RequestCheck {
  readonly invalid: Map<string, { cause: DenialCause; message: string }>;
  readonly pending: string[];
}

/**
 * The decision on one claim at its turn: the first step that decides it wins. Validation comes before
 * waiting, waiting before capacity; only the last steps read or take capacity.
 */
export function decideClaim(claim: ClaimInput, state: ClaimState, ctx: RoundContext): Decision {
  const ref: ClaimIdentity = { namespace: claim.namespace, name: claim.name, uid: claim.uid };
  const check = checkRequests(ctx, state);
  return (
    followEarlierDenial(ctx, ref, state) ??
    denyInvalid(ctx, ref, state, check.invalid) ??
    waitForRegistration(ctx, claim, ref, state, check.pending) ??
    denyInvalid(ctx, ref, state, unregistered(check.pending)) ??
    waitBehindEarlierClaim(ctx, claim, ref, state) ??
    decideOnCapacity(ctx, claim, ref, state)
  );
}

/** Granted whole if every open request fits; else waiting for grants on their way, or denied. */
function decideOnCapacity(
  ctx: RoundContext,
  claim: ClaimInput,
  ref: ClaimIdentity,
  state: ClaimState,
): Decision {
  const short = shortfalls(ctx, state);
  if (short.length === 0) return grantWhole(ctx, ref, state);
  return waitForGrants(ctx, claim, ref, state, short) ?? denyShort(ctx, ref, state, short);
}

/** An older writer already denied part of the claim: the rest follows (all or nothing). */
function followEarlierDenial(ctx: RoundContext, ref: ClaimIdentity, state: ClaimState): Decision | undefined {
  if (state.denied === undefined) return undefined;
  const { resourceType, reason, message } = state.denied;
  const denied = reason === 'ValidationFailed' ? 'ValidationFailed' : 'QuotaExceeded';
  const why = { cause: 'sibling' as const, message: message ?? `${resourceType} was denied` };
  return denyFor(ctx, ref, state, denied, new Map([[resourceType, why]]));
}

/** Duplicates, Features and unregistered types are invalid; types whose registration is pending are listed. */
function checkRequests(ctx: RoundContext, state: ClaimState): RequestCheck {
  const invalid = new Map<string, { cause: DenialCause; message: string }>();
  if (state.duplicate !== undefined) {
    const { resourceType, index } = state.duplicate;
    invalid.set(resourceType, {
      cause: 'invalid',
      message: text.duplicateRequestMessage(resourceType, index),
    });
  }
  const pending: string[] = [];
  for (const { resourceType } of state.open) {
    const registration = ctx.snapshot.registrations.get(resourceType);
    if (invalid.has(resourceType)) continue;
    // A Feature is granted, never claimed: whatever its state, a claim for one can never be granted.
    if (registration?.type === 'Feature') {
      invalid.set(resourceType, { cause: 'feature', message: text.featureClaimMessage(resourceType) });
      continue;
    }
    if (registration?.active === true) continue;
    if (registration?.pending === true) pending.push(resourceType);
    else
      invalid.set(resourceType, { cause: 'unregistered', message: text.notRegisteredMessage(resourceType) });
  }
  return { invalid, pending };
}

function denyInvalid(
  ctx: RoundContext,
  ref: ClaimIdentity,
  state: ClaimState,
  invalid: ReadonlyMap<string, { cause: DenialCause; message: string }>,
): Decision | undefined {
  return invalid.size > 0 ? denyFor(ctx, ref, state, 'ValidationFailed', invalid) : undefined;
}

/** Pending registrations whose window has passed: unregistered after all. */
function unregistered(pending: readonly string[]): Map<string, { cause: DenialCause; message: string }> {
  return new Map(
    pending.map((type) => [type, { cause: 'unregistered', message: text.notRegisteredMessage(type) }]),
  );
}

/** A registration created with the claim (one `kubectl apply`, one Argo CD sync) is judged first. */
function waitForRegistration(
  ctx: RoundContext,
  claim: ClaimInput,
  ref: ClaimIdentity,
  state: ClaimState,
  pending: readonly string[],
): Decision | undefined {
  const windowMs = ctx.snapshot.startupWait?.windowMs ?? DEFAULT_STARTUP_WAIT_MS;
  const until = windowStart(ctx, claim) + windowMs;
  if (pending.length === 0 || ctx.snapshot.now >= until) return undefined;
  block(ctx, claim, state, until);
  const message = text.awaitingRegistrationMessage(pending, until);
  return {
    kind: 'wait',
    claim: ref,
    until,
    cause: 'awaiting-registration',
    resourceTypes: [...pending],
    message,
  };
}

/** StrictFIFO: an earlier claim waiting for grants keeps its place on every resourceType it requests. */
function waitBehindEarlierClaim(
  ctx: RoundContext,
  claim: ClaimInput,
  ref: ClaimIdentity,
  state: ClaimState,
): Decision | undefined {
  if (!ctx.waitingHoldsLaterBack) return undefined;
  const ahead = state.open.filter((r) => ctx.blocked.has(r.resourceType)).map((r) => r.resourceType);
  if (ahead.length === 0) return undefined;
  const blockers = ahead.map((type) => ctx.blocked.get(type)).filter((b) => b !== undefined);
  const until = Math.max(...blockers.map((b) => b.until));
  block(ctx, claim, state, until);
  const message = text.behindWaitingClaimMessage(blockers[0]?.claimKey ?? '', until);
  return { kind: 'wait', claim: ref, until, cause: 'behind-waiting-claim', resourceTypes: ahead, message };
}

/** The requests that do not fit what is left. */
function shortfalls(ctx: RoundContext, state: ClaimState): [RequestInput, Room][] {
  const rooms: [RequestInput, Room][] = state.open.map((r) => [r, room(ctx.capacity, r.resourceType)]);
  return rooms.filter(([request, entry]) => request.amount > available(entry));
}

/** Every open request fits: all are granted together, and take their capacity. */
function grantWhole(ctx: RoundContext, ref: ClaimIdentity, state: ClaimState): Decision {
  take(ctx.capacity, new Map(state.open.map((r) => [r.resourceType, r.amount])));
  const allocations = state.open.map(({ resourceType, amount }) => ({
    resourceType,
    status: 'Granted' as const,
    allocatedAmount: amount,
    ...text.GRANTED_ALLOCATION,
    allocatingBucket: (ctx.snapshot.bucketName ?? bucketName)(ctx.snapshot.consumerKey, resourceType),
  }));
  return { kind: 'grant', claim: ref, allocations };
}

/** The start-up race (SPEC §4.6): short for lack of any grant that is on its way, the claim waits for it. */
function waitForGrants(
  ctx: RoundContext,
  claim: ClaimInput,
  ref: ClaimIdentity,
  state: ClaimState,
  short: readonly [RequestInput, Room][],
): Decision | undefined {
  const startup = ctx.snapshot.startupWait;
  if (startup === undefined) return undefined;
  const until = windowStart(ctx, claim) + (startup.windowMs ?? DEFAULT_STARTUP_WAIT_MS);
  const expected = (type: string) => startup.resourceTypes?.includes(type) ?? true;
  const missing = short.filter(([r, entry]) => entry.grantCount === 0 && expected(r.resourceType));
  if (missing.length === 0 || ctx.snapshot.now >= until) return undefined;
  block(ctx, claim, state, until);
  const resourceTypes = missing.map(([r]) => r.resourceType);
  const message = text.awaitingGrantsMessage(resourceTypes, until);
  return { kind: 'wait', claim: ref, until, cause: 'awaiting-grants', resourceTypes, message };
}

/** Short of capacity: the whole claim is denied, each short request for its own shortfall. */
function denyShort(
  ctx: RoundContext,
  ref: ClaimIdentity,
  state: ClaimState,
  short: readonly [RequestInput, Room][],
): Decision {
  const causes = new Map(
    short.map(([r, entry]) => [
      r.resourceType,
      {
        cause: 'insufficient' as const,
        message: text.quotaExceededMessage(
          r.amount,
          available(entry),
          ctx.snapshot.registrations.get(r.resourceType)?.display,
        ),
      },
    ]),
  );
  return denyFor(ctx, ref, state, 'QuotaExceeded', causes);
}

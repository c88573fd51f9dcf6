// The quota decision engine: pure functions over one consumer's registrations, grants and claims (no client,
// no runtime, no node:*). Controllers build a ConsumerSnapshot from their caches, overlay the Ledger, call
// decide(), assume each grant/deny in the Ledger, write the allocations, and derive bucket status from the
// figures. The rules, in one place:
//
// - Identity: consumer key `apiGroup/kind/namespace/name`; bucket name `bucket-` + sha256 hex of
//   `consumerKey + "\0" + resourceType` (the key cannot contain NUL, so the split is unambiguous).
// - Figures: limit = Σ Active grants; allocated = Σ Granted allocations of claims that hold capacity (not
//   deleting, not denied); available = max(0, limit - allocated); limit < allocated is shown as over-commit
//   and never revoked.
// - Order (FCFS): open claims are decided one at a time by creationTimestamp, then name (namespace, uid break
//   remaining ties); each sees exactly what earlier claims left. Denials are final, so a denied claim never
//   blocks later ones; a claim waiting in the start-up race keeps its place on its resourceTypes (later
//   claims sharing one wait behind it).
// - Atomic: all open requests of a claim are granted together or the claim is denied; a denied claim holds
//   nothing. Granted/Denied entries are final and never rewritten.
// - Partial writes (an older, non-atomic writer): Granted + open → the open rest is decided against what is
//   left (the Granted part keeps counting); if it does not fit, the claim is denied and its Granted entries,
//   left as they are, stop counting. Any Denied entry → the claim is denied; its open requests are denied
//   alongside and its Granted entries count for nothing.
// - Validation: a request for a resourceType without an Active registration, for a Feature (granted, never
//   claimed), or a resourceType requested twice, denies the claim with ValidationFailed.
// - Features: a consumer has a Feature while its bucket's limit (Σ Active grants) is above 0 (featureEnabled).
// - Start-up race: with `startupWait`, a claim that would be denied because a requested resourceType has no
//   Active grant waits until creationTimestamp + windowMs (default 10 s), then is decided normally.

export { addAmount, checkAmount, isAmount, MAX_AMOUNT, subtractAmount, sumAmounts } from './amount.ts';
export { applyDecision, applyDecisions, mergeAllocations } from './apply.ts';
export type { ClaimCondition, ClaimConditionOptions } from './claim-condition.ts';
export { claimCondition, claimOutcome, INITIAL_CLAIM_CONDITION } from './claim-condition.ts';
export type { ClaimState } from './claim-state.ts';
export { claimState, heldAmounts } from './claim-state.ts';
export type { ConsumerIdentity, ConsumerRefInput } from './consumer.ts';
export {
  type BucketNameFn,
  type BucketNaming,
  bucketName,
  bucketNamer,
  consumerKeyOf,
  formatConsumerKey,
  miloBucketName,
  parseConsumerKey,
} from './consumer.ts';
export { decide } from './decide.ts';
export type { Decision, DecisionRound, DenialCause, RequestDenial, WaitCause } from './decision.ts';
export { QuotaInputError } from './errors.ts';
export type { BucketFigures, ContributingGrantRef, FiguresByType } from './figures.ts';
export { computeFigures, emptyFigures, featureEnabled } from './figures.ts';
export { Ledger } from './ledger.ts';
export { memoizedPerObject } from './memo.ts';
export type { ClaimReason, DenialReason } from './messages.ts';
export {
  CLAIM_DENIED_MESSAGE,
  CLAIM_PENDING_DEFAULT_MESSAGE,
  featureClaimMessage,
  GRANTED_ALLOCATION,
  notRegisteredMessage,
  quotaExceededMessage,
} from './messages.ts';
export { compareClaims, FCFS, PRIORITY_THEN_FCFS } from './ordering.ts';
export type { SettledShare } from './settled.ts';
export { SettledBook, settledShare } from './settled.ts';
export { sha256Hex } from './sha256.ts';
export type {
  AllocationInput,
  AllocationStatus,
  AllowanceInput,
  ClaimIdentity,
  ClaimInput,
  ClaimRef,
  ConsumerSnapshot,
  GrantInput,
  Ordering,
  RegistrationInput,
  RegistrationType,
  RequestInput,
  SettledTotals,
  StartupWaitInput,
} from './types.ts';
export { allocationDetails, claimKey, DEFAULT_STARTUP_WAIT_MS } from './types.ts';
export { validateSnapshot } from './validate-snapshot.ts';

// Condition types, reasons and the fixed messages Milo writes, with Milo's exact spelling. The reason
// lists also feed the CRDs' CEL rules, so the apiserver rejects a status with a reason not listed here.

export const CONDITION_ACTIVE = 'Active';
export const CONDITION_GRANTED = 'Granted';
export const CONDITION_READY = 'Ready';
export const CONDITION_PARENT_CONTEXT_READY = 'ParentContextReady';

export type ConditionType =
  | typeof CONDITION_ACTIVE
  | typeof CONDITION_GRANTED
  | typeof CONDITION_READY
  | typeof CONDITION_PARENT_CONTEXT_READY;

/**
 * GrantCreationPolicy / ClaimCreationPolicy `Ready` reasons. `ParentContextUnsupported` is ours: a single
 * cluster cannot target another control plane, so such a policy is not Ready and says why (SPEC §5).
 */
export const POLICY_READY_REASONS = [
  'PolicyReady',
  'ValidationFailed',
  'PolicyDisabled',
  'ParentContextUnsupported',
] as const;
export type PolicyReadyReason = (typeof POLICY_READY_REASONS)[number];

/** The reasons each kind may give per condition type. */
export const CONDITION_REASONS = {
  ResourceRegistration: {
    [CONDITION_ACTIVE]: ['RegistrationActive', 'ValidationFailed', 'RegistrationPending'],
  },
  ResourceGrant: { [CONDITION_ACTIVE]: ['GrantActive', 'ValidationFailed', 'GrantPending'] },
  /** Also the reasons of allocation entries. */
  ResourceClaim: {
    [CONDITION_GRANTED]: ['QuotaAvailable', 'QuotaExceeded', 'ValidationFailed', 'PendingEvaluation'],
  },
  GrantCreationPolicy: {
    [CONDITION_READY]: POLICY_READY_REASONS,
    /** The last two are ours (--parent-context=members). */
    [CONDITION_PARENT_CONTEXT_READY]: [
      'ParentContextReady',
      'ParentContextFailed',
      'ParentContextUnsupported',
      'ParentContextResolved',
      'ParentContextNotFound',
    ],
  },
  ClaimCreationPolicy: { [CONDITION_READY]: POLICY_READY_REASONS },
} as const;

/** The reasons `kind` may give per condition type; undefined for a kind without conditions (AllowanceBucket). */
export function conditionReasonsOf(kind: string): Readonly<Record<string, readonly string[]>> | undefined {
  return Object.hasOwn(CONDITION_REASONS, kind) ? CONDITION_REASONS[kind as ConditionedKind] : undefined;
}

export type ConditionedKind = keyof typeof CONDITION_REASONS;

/** Per-request allocation outcome in ResourceClaim.status.allocations[].status. */
export const ALLOCATION_STATUSES = ['Granted', 'Denied', 'Pending'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** Messages Milo writes verbatim; clients and Milo's tests compare them exactly. */
export const MESSAGES = {
  registrationActive:
    'The registration is active and resource grants and claims can now be created for this resource type.',
  registrationPending: 'The registration is pending validation',
  grantActive: 'ResourceGrant is active',
  claimPending: 'Awaiting capacity evaluation',
  claimExceeded:
    'Insufficient quota resources. Contact your account administrator to review quota limits and usage.',
  policyReady: 'Policy is ready and active',
  policyDisabled: 'Policy is disabled',
  parentContextReady: 'Parent context resolution is ready',
  allocationGranted: 'Capacity reserved',
  admissionDenied:
    'Insufficient quota resources available. Review your quota usage and reach out to support if you need additional resources.',
} as const;

/** "All <n> resource requests have been granted" (Milo's Granted=True message). */
export function claimGrantedMessage(requests: number): string {
  return `All ${requests} resource requests have been granted`;
}

/** Milo's message for a request that does not fit. */
export function allocationDeniedMessage(requested: number, available: number): string {
  return `Resource quota exceeded: requested ${requested}, available ${available}`;
}

/** Milo's message while some requests are still undecided. */
export function claimPendingMessage(granted: number, pending: number): string {
  return `Awaiting capacity evaluation: ${granted} granted, ${pending} pending`;
}

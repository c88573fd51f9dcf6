// What an Instance's status should say, from what the reconciler observed: its claim's decision and, once
// granted, how far provisioning got. Pure (no client, no clock of its own), so every phase is unit-tested.
//
//   no claim yet / claim pending  → PendingQuota   QuotaGranted=False/PendingEvaluation
//   claim denied                  → QuotaExceeded  QuotaGranted=False/QuotaExceeded (or ValidationFailed)
//   claim granted, VM not ready   → Provisioning   QuotaGranted=True/QuotaAvailable, check again shortly
//   claim granted, VM ready       → Running        QuotaGranted=True/QuotaAvailable
//
// The phase follows the observations, not the previous phase, so a stale cache or a replayed event cannot
// move an Instance backwards: the same observations always give the same status.

import type { ClaimDecision } from '@milo-quota/client';
import { type Condition, type ConditionUpdate, setCondition } from '@milo-quota/client/api';
import { CONDITION_QUOTA_GRANTED, type InstanceStatus, type Phase } from './instance.ts';

/** What the provisioner says about the VM: ready, or ask again after `retryAfterMs`. */
export type ProvisionState =
  | { readonly ready: true }
  | { readonly ready: false; readonly retryAfterMs: number };

export interface Observation {
  readonly generation: number | undefined;
  readonly vcpus: number;
  readonly claimName: string;
  /** The claim's decision; undefined while the claim is not created or not yet seen. */
  readonly decision: ClaimDecision | undefined;
  /** Asked only once the claim is granted; undefined otherwise. */
  readonly provision: ProvisionState | undefined;
}

export interface StatusPlan {
  readonly status: InstanceStatus;
  /** False when the current status already says all this: skip the write. */
  readonly changed: boolean;
  /** Reconcile again after this long (provisioning in progress); undefined = wait for the next event. */
  readonly requeueAfterMs?: number;
}

interface Target {
  readonly phase: Phase;
  readonly message: string;
  readonly condition: Omit<ConditionUpdate, 'type' | 'observedGeneration'>;
  readonly requeueAfterMs?: number;
}

function denialDetail(decision: Extract<ClaimDecision, { outcome: 'denied' }>): string {
  if (decision.denials.length === 0) return decision.message;
  return decision.denials.map((d) => `${d.resourceType}: ${d.message}`).join('; ');
}

function target(obs: Observation): Target {
  const { decision, claimName } = obs;
  if (decision === undefined || decision.outcome === 'pending') {
    const why = decision === undefined ? 'not created yet' : decision.message;
    return {
      phase: 'PendingQuota',
      message: `Waiting for ResourceClaim ${claimName} to be decided (${why})`,
      condition: {
        status: 'False',
        reason: 'PendingEvaluation',
        message: `Waiting for quota claim ${claimName} to be granted`,
      },
    };
  }
  if (decision.outcome === 'denied') {
    return {
      phase: 'QuotaExceeded',
      message: decision.message,
      condition: { status: 'False', reason: decision.reason, message: denialDetail(decision) },
    };
  }
  const granted = { status: 'True', reason: 'QuotaAvailable', message: decision.message } as const;
  if (obs.provision?.ready === true) {
    return { phase: 'Running', message: `Running with ${obs.vcpus} vCPUs`, condition: granted };
  }
  const provisioning = {
    phase: 'Provisioning',
    message: `Quota granted; provisioning ${obs.vcpus} vCPUs`,
    condition: granted,
  } as const;
  return obs.provision === undefined
    ? provisioning
    : { ...provisioning, requeueAfterMs: obs.provision.retryAfterMs };
}

export function planStatus(current: InstanceStatus | undefined, obs: Observation, now: Date): StatusPlan {
  const want = target(obs);
  const update: ConditionUpdate = { type: CONDITION_QUOTA_GRANTED, ...want.condition };
  if (obs.generation !== undefined) update.observedGeneration = obs.generation;
  const conditions: Condition[] = setCondition(current?.conditions, update, now);
  const status: InstanceStatus = { phase: want.phase, message: want.message, conditions };
  if (obs.generation !== undefined) status.observedGeneration = obs.generation;
  const changed =
    current?.phase !== status.phase ||
    current?.message !== status.message ||
    current?.observedGeneration !== status.observedGeneration ||
    current?.conditions !== conditions;
  return {
    status,
    changed,
    ...(want.requeueAfterMs === undefined ? {} : { requeueAfterMs: want.requeueAfterMs }),
  };
}

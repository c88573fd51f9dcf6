// The GrantCreationPolicy status the operator wants: `Ready` from the verdict and the trigger kind's state,
// `ParentContextReady` only while parentContext is set (always False: unsupported here), and
// `observedGeneration` always the current generation, so a spec edit that changes no condition still
// advances it (kstatus, Flux and Argo CD wait for that).
import {
  CONDITION_PARENT_CONTEXT_READY,
  CONDITION_READY,
  type ConditionUpdate,
  type GrantCreationPolicy,
  type GrantCreationPolicyStatus,
  MESSAGES,
  removeCondition,
  setCondition,
} from '../../api/index.ts';
import type { KindState } from './trigger-kinds.ts';
import {
  PARENT_CONTEXT_MESSAGE,
  PARENT_CONTEXT_THIS_CLUSTER_MESSAGE,
  type ParentContextMode,
  type PolicyVerdict,
} from './verdict.ts';

/** Trigger-kind trouble (not served, not watchable, forbidden) is ValidationFailed: the CRD's reason list is
 * fixed, and the message says exactly what is missing. */
export function readyCondition(
  verdict: PolicyVerdict,
  kind: KindState | undefined,
  generation: number,
): ConditionUpdate {
  const base = { type: CONDITION_READY, observedGeneration: generation };
  if (!verdict.ok) return { ...base, status: 'False', reason: verdict.reason, message: verdict.message };
  if (kind === undefined || kind.state !== 'watching') {
    const message = kind?.message ?? 'waiting for the trigger kind to be resolved';
    return { ...base, status: 'False', reason: 'ValidationFailed', message };
  }
  return { ...base, status: 'True', reason: 'PolicyReady', message: MESSAGES.policyReady };
}

export function nextPolicyStatus(
  policy: GrantCreationPolicy,
  verdict: PolicyVerdict,
  kind: KindState | undefined,
  now: Date,
  parentContext: ParentContextMode = 'unsupported',
): GrantCreationPolicyStatus {
  const generation = policy.metadata.generation ?? 0;
  let conditions = setCondition(policy.status?.conditions, readyCondition(verdict, kind, generation), now);
  if (policy.spec.target.parentContext === undefined) {
    conditions = removeCondition(conditions, CONDITION_PARENT_CONTEXT_READY);
  } else {
    const update: ConditionUpdate =
      parentContext === 'this-cluster'
        ? {
            type: CONDITION_PARENT_CONTEXT_READY,
            status: 'True',
            reason: 'ParentContextReady',
            message: PARENT_CONTEXT_THIS_CLUSTER_MESSAGE,
            observedGeneration: generation,
          }
        : {
            type: CONDITION_PARENT_CONTEXT_READY,
            status: 'False',
            reason: 'ParentContextUnsupported',
            message: PARENT_CONTEXT_MESSAGE,
            observedGeneration: generation,
          };
    conditions = setCondition(conditions, update, now);
  }
  return { ...policy.status, observedGeneration: generation, conditions };
}

/** The Ready reason a status records, if any. */
export function readyReason(status: GrantCreationPolicyStatus | undefined): string | undefined {
  return status?.conditions?.find((c) => c.type === CONDITION_READY)?.reason;
}

// The GrantCreationPolicy status the operator wants: `Ready` from the policy's readiness and the trigger kind's state,
// `ParentContextReady` only while parentContext is set (by --parent-context: False/unsupported, True/this
// cluster, or with members whether every current trigger's context names a registered member), and
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
import {
  PARENT_CONTEXT_MESSAGE,
  PARENT_CONTEXT_THIS_CLUSTER_MESSAGE,
  type ParentContextMode,
  type PolicyReadiness,
} from './policy-readiness.ts';
import type { KindState } from './trigger-watches.ts';

/** Trigger-kind trouble (not served, not watchable, forbidden) is ValidationFailed: the CRD's reason list is
 * fixed, and the message says exactly what is missing. */
export function readyCondition(
  readiness: PolicyReadiness,
  kind: KindState | undefined,
  generation: number,
): ConditionUpdate {
  const base = { type: CONDITION_READY, observedGeneration: generation };
  if (!readiness.ok)
    return { ...base, status: 'False', reason: readiness.reason, message: readiness.message };
  if (kind === undefined || kind.state !== 'watching') {
    const message = kind?.message ?? 'waiting for the trigger kind to be resolved';
    return { ...base, status: 'False', reason: 'ValidationFailed', message };
  }
  return { ...base, status: 'True', reason: 'PolicyReady', message: MESSAGES.policyReady };
}

/** With --parent-context=members: what resolving each current trigger's parent context gave. */
export interface ParentContextSummary {
  /** Triggers whose constraints hold and whose context names exactly one registered member. */
  readonly resolved: number;
  /** The others whose constraints hold: the trigger (`namespace/name`) and why its context did not resolve. */
  readonly unresolved: readonly { readonly trigger: string; readonly message: string }[];
}

/** How many unresolved triggers a message names before it says "and N more". */
const NAMED = 3;

/**
 * `ParentContextReady` with --parent-context=members. The policy-level condition is the conjunction over the
 * triggers that currently match: True/ParentContextResolved when every one of them resolves (also when none
 * matches yet), False/ParentContextNotFound naming the first few that do not, with the fix. Undefined
 * summary: the policy's triggers could not be evaluated (policy or trigger kind not Ready).
 */
export function membersParentCondition(
  summary: ParentContextSummary | undefined,
  generation: number,
): ConditionUpdate {
  const base = { type: CONDITION_PARENT_CONTEXT_READY, observedGeneration: generation };
  if (summary === undefined) {
    return {
      ...base,
      status: 'False',
      reason: 'ParentContextNotFound',
      message: 'parent contexts are resolved per trigger once the policy is Ready: see the Ready condition',
    };
  }
  const { resolved, unresolved } = summary;
  if (unresolved.length === 0) {
    return {
      ...base,
      status: 'True',
      reason: 'ParentContextResolved',
      message:
        resolved === 0
          ? 'no trigger matches yet; each matching trigger gets its grant once a registered member stands for its parent context'
          : `the parent context of every matching trigger (${resolved}) is a registered member; grants are created in the quota cluster`,
    };
  }
  const named = unresolved
    .slice(0, NAMED)
    .map((u) => `trigger ${u.trigger}: ${u.message}`)
    .join('; ');
  const more = unresolved.length > NAMED ? `; and ${unresolved.length - NAMED} more` : '';
  return {
    ...base,
    status: 'False',
    reason: 'ParentContextNotFound',
    message: `${unresolved.length} of ${resolved + unresolved.length} matching triggers have no grant yet: ${named}${more}`,
  };
}

export function nextPolicyStatus(
  policy: GrantCreationPolicy,
  readiness: PolicyReadiness,
  kind: KindState | undefined,
  now: Date,
  parentContext: ParentContextMode = 'unsupported',
  parentSummary?: ParentContextSummary,
): GrantCreationPolicyStatus {
  const generation = policy.metadata.generation ?? 0;
  let conditions = setCondition(policy.status?.conditions, readyCondition(readiness, kind, generation), now);
  if (policy.spec.target.parentContext === undefined) {
    conditions = removeCondition(conditions, CONDITION_PARENT_CONTEXT_READY);
  } else if (parentContext === 'members') {
    conditions = setCondition(conditions, membersParentCondition(parentSummary, generation), now);
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

// The decision for one trigger object, as data: which grants to create, update and delete, given what each
// Ready policy wants (desired-grant.ts) and the grants the caches hold. Grants are found by the two stamped
// labels, never by guessing names; a policy that is not Ready (disabled, invalid, deleted) has its grants
// left alone, except that all grants of a trigger that is gone are deleted.
import { jsonEqual, LABEL_POLICY, LABEL_TRIGGER_UID, type ResourceGrant } from '../../api/index.ts';
import type { KubeObject } from '../../runtime/index.ts';
import type { PolicyOutcome } from './desired-grant.ts';

export type GrantAction =
  | { readonly type: 'create'; readonly policy: string; readonly grant: ResourceGrant }
  | {
      readonly type: 'update';
      readonly policy: string;
      readonly grant: ResourceGrant;
      readonly adopted: boolean;
    }
  | { readonly type: 'delete'; readonly policy: string; readonly grant: ResourceGrant; readonly why: string }
  | { readonly type: 'blocked'; readonly policy: string; readonly message: string };

export interface PlanInput {
  /** The trigger; undefined (or being deleted) when it is gone. */
  readonly trigger: KubeObject | undefined;
  /** One outcome per Ready policy targeting the trigger's kind. */
  readonly outcomes: readonly PolicyOutcome[];
  /** Every policy targeting the trigger's kind, Ready or not: whose grants a gone trigger takes along. */
  readonly policiesOfKind: ReadonlySet<string>;
  /** Grants labelled with the trigger's uid. */
  readonly existing: readonly ResourceGrant[];
  /** Any cached grant at a name (for collisions with grants that are not this trigger's). */
  readonly grantAt: (namespace: string, name: string) => ResourceGrant | undefined;
  /** Whether an object with this uid still exists in the trigger kind's cache. */
  readonly isLiveTrigger: (uid: string) => boolean;
}

export const policyOf = (g: ResourceGrant): string | undefined => g.metadata.labels?.[LABEL_POLICY];
const triggerUidOf = (g: ResourceGrant): string | undefined => g.metadata.labels?.[LABEL_TRIGGER_UID];
const at = (g: ResourceGrant): string => `${g.metadata.namespace}/${g.metadata.name}`;

export function planTrigger(input: PlanInput): GrantAction[] {
  const { trigger, existing } = input;
  if (trigger === undefined || trigger.metadata?.deletionTimestamp !== undefined) {
    return existing
      .filter((g) => input.policiesOfKind.has(policyOf(g) ?? ''))
      .map((grant) => ({
        type: 'delete',
        policy: policyOf(grant) ?? '',
        grant,
        why: 'its trigger was deleted',
      }));
  }
  return input.outcomes.flatMap((outcome) => {
    const mine = existing.filter((g) => policyOf(g) === outcome.policy);
    // unknown desired state (an evaluation error; a parent context that names no member now, e.g. while the
    // member registry starts or after a member Secret went): keep what exists, quota is not taken away
    if (outcome.kind === 'failed' || outcome.kind === 'unresolved') return [];
    if (outcome.kind === 'none') return mine.map((grant) => deletion(outcome.policy, grant, outcome.why));
    return wanted(input, outcome.policy, outcome.grant, mine);
  });
}

function wanted(
  input: PlanInput,
  policy: string,
  desired: ResourceGrant,
  mine: readonly ResourceGrant[],
): GrantAction[] {
  const target = at(desired);
  const actions: GrantAction[] = mine
    .filter((g) => at(g) !== target)
    .map((grant) => deletion(policy, grant, `its rendered name changed to ${target}`));
  const current =
    mine.find((g) => at(g) === target) ??
    input.grantAt(desired.metadata.namespace ?? '', desired.metadata.name ?? '');
  if (current === undefined) return [...actions, { type: 'create', policy, grant: desired }];
  if (current.metadata.deletionTimestamp !== undefined) {
    return [
      ...actions,
      {
        type: 'blocked',
        policy,
        message: `ResourceGrant ${target} is being deleted; it will be created again`,
      },
    ];
  }
  const ours = policyOf(current) === policy && triggerUidOf(current) === triggerUidOf(desired);
  const orphan = policyOf(current) === policy && !input.isLiveTrigger(triggerUidOf(current) ?? '');
  if (!ours && !orphan) {
    const holder = policyOf(current);
    const owner =
      holder === undefined
        ? 'was not made by a GrantCreationPolicy'
        : holder === policy
          ? 'was made by this policy for another object that still exists'
          : `was made by policy ${holder}`;
    return [
      ...actions,
      {
        type: 'blocked',
        policy,
        message: `ResourceGrant ${target} already exists and ${owner}: it is left alone; make the template's metadata.name unique per trigger`,
      },
    ];
  }
  const update = mergeGrant(current, desired);
  return update === undefined
    ? actions
    : [...actions, { type: 'update', policy, grant: update, adopted: !ours }];
}

function deletion(policy: string, grant: ResourceGrant, why: string): GrantAction {
  return { type: 'delete', policy, grant, why };
}

/**
 * `current` brought to `desired`: spec, labels and annotations replaced (the operator owns generated grants
 * whole, as Milo did), our controller reference set and any other controller reference dropped. Undefined when
 * nothing would change, so an unchanged trigger costs no write.
 */
export function mergeGrant(current: ResourceGrant, desired: ResourceGrant): ResourceGrant | undefined {
  const uid = triggerUidOf(desired);
  const kept = (current.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid && r.controller !== true);
  const ownerReferences = [...kept, ...(desired.metadata.ownerReferences ?? [])];
  const labels = desired.metadata.labels ?? {};
  const annotations = desired.metadata.annotations ?? {};
  const same =
    jsonEqual(current.spec, desired.spec) &&
    jsonEqual(current.metadata.labels ?? {}, labels) &&
    jsonEqual(current.metadata.annotations ?? {}, annotations) &&
    jsonEqual(current.metadata.ownerReferences ?? [], ownerReferences);
  if (same) return undefined;
  const { annotations: _a, ownerReferences: _o, ...meta } = current.metadata;
  return {
    ...current,
    metadata: {
      ...meta,
      labels,
      ...(Object.keys(annotations).length > 0 && { annotations }),
      ...(ownerReferences.length > 0 && { ownerReferences }),
    },
    spec: desired.spec,
  };
}

// The start-up race (SPEC §4.6): a Ready GrantCreationPolicy whose grants would go to this consumer has not
// materialised them yet, so a claim that would be denied for lack of any Active grant waits (bounded).
import { CONDITION_READY, type GrantCreationPolicy, isConditionTrue } from '../../api/index.ts';
import type { ConsumerIdentity, StartupWaitInput } from '../../quota/index.ts';

export function startupWaitFor(
  consumer: ConsumerIdentity,
  policies: readonly GrantCreationPolicy[],
  windowMs: number,
): StartupWaitInput | undefined {
  const resourceTypes = new Set<string>();
  for (const policy of policies) {
    if (policy.spec.disabled === true || !isConditionTrue(policy.status?.conditions, CONDITION_READY))
      continue;
    const template = policy.spec.target.resourceGrantTemplate.spec;
    const ref = template.consumerRef;
    if ((ref.apiGroup ?? '') !== consumer.apiGroup || ref.kind !== consumer.kind) continue;
    for (const allowance of template.allowances) resourceTypes.add(allowance.resourceType);
  }
  return resourceTypes.size === 0 ? undefined : { windowMs, resourceTypes: [...resourceTypes] };
}

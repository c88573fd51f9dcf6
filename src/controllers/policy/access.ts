// What a policy's status says when the operator may not watch its trigger kind (the runtime's dynamic watches
// ask with SelfSubjectAccessReviews before starting an informer, because an informer without permission
// retries forever in silence and keeps /readyz false): how to grant the permission (docs/rbac.md).
import { type ResourceRef, WATCH_VERBS } from '../../runtime/index.ts';

/** The label an aggregated ClusterRole carries to add its rules to the operator's role (docs/rbac.md). */
export const AGGREGATE_TO_OPERATOR_LABEL = 'quota.miloapis.com/aggregate-to-operator';

/** The policy status message when the operator may not watch the trigger kind. */
export function forbiddenMessage(
  ref: ResourceRef,
  missing: readonly string[],
  user: string | undefined,
): string {
  const resource = ref.group === '' ? ref.plural : `${ref.plural}.${ref.group}`;
  const who = user === undefined ? 'the operator' : `the operator (user ${user})`;
  return (
    `${who} may not ${missing.join(', ')} ${resource}, so it cannot see ${ref.kind ?? ref.plural} objects: ` +
    `grant it with a ClusterRole labelled ${AGGREGATE_TO_OPERATOR_LABEL}: "true" allowing ` +
    `${WATCH_VERBS.join(', ')} on resources [${ref.plural}] in apiGroups ["${ref.group}"] (see docs/rbac.md)`
  );
}

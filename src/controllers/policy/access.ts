// Can the operator list and watch a trigger kind? Asked with SelfSubjectAccessReviews before starting an
// informer, because an informer without permission retries forever in silence (and keeps /readyz false);
// the answer goes into the policy's status instead, with how to grant the permission (docs/rbac.md).
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeRequest, type ResourceRef } from '../../runtime/index.ts';

/** The label an aggregated ClusterRole carries to add its rules to the operator's role (docs/rbac.md). */
export const AGGREGATE_TO_OPERATOR_LABEL = 'quota.miloapis.com/aggregate-to-operator';

export const WATCH_VERBS = ['get', 'list', 'watch'] as const;

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

interface AccessReview {
  status?: { allowed?: boolean };
}

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string } };
}

export class AccessChecker {
  readonly #kc: KubeConfig;
  #user: Promise<string | undefined> | undefined;

  constructor(kubeConfig: KubeConfig) {
    this.#kc = kubeConfig;
  }

  /** The verbs of WATCH_VERBS the operator lacks on `ref`, cluster-wide (informers watch all namespaces). */
  async missingVerbs(ref: ResourceRef, signal?: AbortSignal): Promise<string[]> {
    const allowed = await Promise.all(WATCH_VERBS.map((verb) => this.#allowed(ref, verb, signal)));
    return WATCH_VERBS.filter((_, i) => !allowed[i]);
  }

  /** The operator's user name, for messages; undefined if the apiserver will not say. Asked once. */
  user(): Promise<string | undefined> {
    this.#user ??= kubeRequest<SelfSubjectReview>(this.#kc, {
      method: 'POST',
      path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    }).then(
      (review) => review.status?.userInfo?.username,
      () => undefined,
    );
    return this.#user;
  }

  async #allowed(ref: ResourceRef, verb: string, signal: AbortSignal | undefined): Promise<boolean> {
    const review = await kubeRequest<AccessReview>(this.#kc, {
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { group: ref.group, version: ref.version, resource: ref.plural, verb } },
      },
      ...(signal ? { signal } : {}),
    });
    return review.status?.allowed === true;
  }
}

// Whether the user behind an admission request may do a quota-specific thing, asked with a
// SubjectAccessReview on the request's userInfo (Kubernetes' own pattern for verbs beyond CRUD: `bind` and
// `escalate` on roles, `approve` on signers):
// - `claim` on a consumer object (e.g. organizations/acme) before a ResourceClaim charges it;
// - `release` on resourceclaims before capacity that an existing object still uses is freed.
// The built-in controllers that must always get through (garbage collector, namespace controller) and the
// operator itself are recognised by name, with no API call. Answers are cached for a few seconds (bounded),
// so a burst of requests from one service costs one review.
import { AnswerCache, type KubeClient, subjectAccessReview } from '../runtime/index.ts';
import type { AdmissionUserInfo } from '../webhook/review.ts';

/** What a SubjectAccessReview asks about: RBAC's resourceAttributes. */
export interface AccessAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Controllers that delete or re-own claims as part of Kubernetes' own machinery: the garbage collector and
 * the namespace controller under their own ServiceAccounts (--use-service-account-credentials, kubeadm's
 * default), or the controller manager's own identity otherwise.
 */
export const SYSTEM_CONTROLLERS: readonly string[] = [
  'system:serviceaccount:kube-system:generic-garbage-collector',
  'system:serviceaccount:kube-system:namespace-controller',
  'system:kube-controller-manager',
];

export interface RequesterAccessOptions {
  /** How long an answer is reused. Default 5 s. */
  readonly ttlMs?: number;
  /** Cached answers kept at most (oldest dropped first). Default 10,000. */
  readonly maxEntries?: number;
}

/** What the admission guards ask about a requester (RequesterAccess; tests pass a plain object). */
export interface RequesterChecks {
  isOperator(user: AdmissionUserInfo): Promise<boolean>;
  isTrustedController(user: AdmissionUserInfo): Promise<boolean>;
  allowed(user: AdmissionUserInfo, attributes: AccessAttributes, signal?: AbortSignal): Promise<boolean>;
}

export class RequesterAccess implements RequesterChecks {
  readonly #client: KubeClient;
  readonly #operator: () => Promise<string>;
  readonly #answers: AnswerCache<boolean>;

  constructor(
    client: KubeClient,
    operatorIdentity: () => Promise<string>,
    options: RequesterAccessOptions = {},
  ) {
    this.#client = client;
    this.#operator = operatorIdentity;
    this.#answers = new AnswerCache({
      ttlMs: options.ttlMs ?? 5_000,
      maxEntries: options.maxEntries ?? 10_000,
    });
  }

  /** The operator's own requests (claims it creates for the enforcement webhook, orphan cleanup). */
  async isOperator(user: AdmissionUserInfo): Promise<boolean> {
    return user.username !== undefined && user.username === (await this.#operator());
  }

  /** The operator or one of Kubernetes' own controllers that manage dependents. */
  async isTrustedController(user: AdmissionUserInfo): Promise<boolean> {
    return SYSTEM_CONTROLLERS.includes(user.username ?? '') || (await this.isOperator(user));
  }

  /** Whether RBAC (or whatever authorizer the cluster runs) lets `user` do `attributes`; a failed review is
   * not remembered. */
  allowed(user: AdmissionUserInfo, attributes: AccessAttributes, signal?: AbortSignal): Promise<boolean> {
    const identity = { ...user, username: user.username ?? '' };
    const key = JSON.stringify([identity, attributes]);
    return this.#answers.get(key, async () => {
      const answer = await subjectAccessReview(
        this.#client,
        identity,
        { resourceAttributes: attributes },
        signal,
      );
      return answer.allowed;
    });
  }
}

/** `resource.group` as RBAC and kubectl name it (`organizations.resourcemanager.miloapis.com`). */
export function qualifiedResource(attributes: AccessAttributes): string {
  return attributes.group === '' ? attributes.resource : `${attributes.resource}.${attributes.group}`;
}

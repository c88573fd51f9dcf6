// Asking the apiserver what a user may do (SubjectAccessReview, authorization.k8s.io/v1), and a small cache
// of such answers. Used by the authenticated metrics server (non-resource paths) and by the admission guards
// (resource verbs such as `claim` and `release`). What the operator itself may do (SelfSubjectAccessReview)
// is asked before it watches a kind known only at run time (dynamic-watch.ts).
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient } from './client.ts';
import { kubeRequest } from './kube-http.ts';
import type { KubeObject, ResourceRef } from './types.ts';

/** Who a token belongs to, as a TokenReview reports it. */
export interface Identity {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** What is asked: a verb on a resource (RBAC's resourceAttributes) or on a non-resource path. */
export type AccessAttributes =
  | {
      readonly resourceAttributes: {
        readonly verb: string;
        readonly group: string;
        readonly resource: string;
        readonly name?: string;
        readonly namespace?: string;
      };
    }
  | { readonly nonResourceAttributes: { readonly path: string; readonly verb: string } };

const ACCESS_REVIEWS: ResourceRef = {
  group: 'authorization.k8s.io',
  version: 'v1',
  plural: 'subjectaccessreviews',
  namespaced: false,
  kind: 'SubjectAccessReview',
};

/** Whether `identity` may do `attributes`, with the authorizer's reason when it gives one. */
export async function subjectAccessReview(
  client: KubeClient,
  identity: Identity,
  attributes: AccessAttributes,
  signal?: AbortSignal,
): Promise<{ allowed: boolean; reason?: string }> {
  const { username: user, uid, groups, extra } = identity;
  const answer = await client.create<KubeObject>(
    ACCESS_REVIEWS,
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user, uid, groups, extra, ...attributes },
    },
    signal ? { signal } : {},
  );
  const status = (answer.status ?? {}) as { allowed?: boolean; reason?: string };
  return { allowed: status.allowed === true, ...(status.reason ? { reason: status.reason } : {}) };
}

export interface AccessCacheOptions {
  /** How long an answer (allowed or denied) is reused. Default 10 s. */
  readonly ttlMs?: number;
  /** Entries kept per cache (tokens; identities and paths); the oldest go first. Default 1024. */
  readonly maxEntries?: number;
  /** Tests move time. */
  readonly now?: () => number;
}

/** A bounded map of answers that expire; a pending answer is shared, a failed one is not kept. */
export class AnswerCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; expires: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: AccessCacheOptions) {
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#max = options.maxEntries ?? 1024;
    this.#now = options.now ?? Date.now;
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.expires > this.#now()) return hit.value;
    this.#entries.delete(key);
    const value = load();
    this.#entries.set(key, { value, expires: this.#now() + this.#ttlMs });
    value.catch(() => this.#entries.delete(key));
    // Map iteration follows insertion: the first key is the oldest
    while (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value ?? '');
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** What an informer needs on its resource, cluster-wide: it lists and watches, and is asked for single objects. */
export const WATCH_VERBS = ['get', 'list', 'watch'] as const;

/** Which of WATCH_VERBS the operator lacks on a resource; dynamic-watch.ts asks before starting an informer. */
export interface VerbChecker {
  missingVerbs(ref: ResourceRef, signal?: AbortSignal): Promise<string[]>;
  /** Who the operator is, for messages saying what it lacks; undefined if unknown. */
  user(): Promise<string | undefined>;
}

interface SelfAccessAnswer {
  status?: { allowed?: boolean };
}

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string } };
}

/** The operator's own permissions, asked with SelfSubjectAccessReviews (one per verb), never cached here. */
export class SelfAccessReview implements VerbChecker {
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
    const review = await kubeRequest<SelfAccessAnswer>(this.#kc, {
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

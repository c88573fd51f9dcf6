// Authenticated metrics, as controller-runtime's filters.WithAuthenticationAndAuthorization: a request needs a
// bearer token that the apiserver accepts (TokenReview, authentication.k8s.io/v1) and whose user may perform
// the request's verb on its path (SubjectAccessReview with nonResourceAttributes, authorization.k8s.io/v1);
// bind ClusterRole milo-quota-metrics-reader (`get` on /metrics) to the scraper. Both answers are cached
// briefly with a bounded size, so a scrape every few seconds costs no API call most of the time.
import { createHash } from 'node:crypto';
import { type AccessCacheOptions, AnswerCache, type Identity, subjectAccessReview } from './access-review.ts';
import type { KubeClient } from './client.ts';
import type { KubeObject, ResourceRef } from './types.ts';

/** The two API calls, separate so the cache can be tested without an apiserver. */
export interface AccessReviewer {
  /** The token's user, or undefined when the apiserver does not accept the token. */
  authenticate(token: string): Promise<Identity | undefined>;
  /** Whether `identity` may `verb` the non-resource `path`; `reason` from the authorizer when given. */
  authorize(identity: Identity, verb: string, path: string): Promise<{ allowed: boolean; reason?: string }>;
}

export type AccessDecision =
  | { readonly status: 200; readonly user: string }
  | { readonly status: 401 | 403 | 500; readonly message: string };

const review = (group: string, plural: string, kind: string): ResourceRef => ({
  group,
  version: 'v1',
  plural,
  namespaced: false,
  kind,
});
const TOKEN_REVIEWS = review('authentication.k8s.io', 'tokenreviews', 'TokenReview');

interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly user?: Identity;
  readonly error?: string;
}

export type { AccessCacheOptions, Identity };

/** Reviews through the apiserver with the operator's own credentials (RBAC: create on both reviews). */
export function kubeAccessReviewer(client: KubeClient): AccessReviewer {
  return {
    async authenticate(token) {
      const answer = await client.create<KubeObject>(TOKEN_REVIEWS, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token },
      });
      const status = (answer.status ?? {}) as TokenReviewStatus;
      return status.authenticated === true && status.user?.username ? status.user : undefined;
    },
    authorize: (identity, verb, path) =>
      subjectAccessReview(client, identity, { nonResourceAttributes: { path, verb } }),
  };
}

/** Decides a request from its Authorization header, verb and path. */
export class MetricsAccess {
  readonly #reviewer: AccessReviewer;
  readonly #tokens: AnswerCache<Identity | undefined>;
  readonly #grants: AnswerCache<{ allowed: boolean; reason?: string }>;

  constructor(reviewer: AccessReviewer, options: AccessCacheOptions = {}) {
    this.#reviewer = reviewer;
    this.#tokens = new AnswerCache(options);
    this.#grants = new AnswerCache(options);
  }

  /** Cached entries (tokens, grants): for tests of the bound. */
  get cached(): { tokens: number; grants: number } {
    return { tokens: this.#tokens.size, grants: this.#grants.size };
  }

  async decide(authorization: string | undefined, verb: string, path: string): Promise<AccessDecision> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined) return { status: 401, message: 'Unauthorized: give a bearer token' };
    let identity: Identity | undefined;
    try {
      // the cache keys on a hash, so tokens are not kept in memory longer than the request
      const key = createHash('sha256').update(token).digest('hex');
      identity = await this.#tokens.get(key, () => this.#reviewer.authenticate(token));
    } catch (error) {
      return { status: 500, message: `Internal error: token review failed: ${messageOf(error)}` };
    }
    if (identity === undefined) return { status: 401, message: 'Unauthorized: the token was not accepted' };
    const key = JSON.stringify([identity, verb, path]);
    try {
      const who = identity;
      const grant = await this.#grants.get(key, () => this.#reviewer.authorize(who, verb, path));
      if (grant.allowed) return { status: 200, user: identity.username };
      const reason = grant.reason ? `: ${grant.reason}` : '';
      return {
        status: 403,
        message: `Forbidden: user "${identity.username}" may not ${verb} path "${path}"${reason}`,
      };
    } catch (error) {
      return { status: 500, message: `Internal error: subject access review failed: ${messageOf(error)}` };
    }
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

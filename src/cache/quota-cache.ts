// The quota cache, in the spirit of Kueue's cache: one shared, slimmed informer per quota kind (slim.ts),
// typed, with the indexes that reconcilers and webhooks query (indexes.ts), and the decisions in flight: the
// Ledger of claim writes sent to the apiserver and not yet seen back through the watch. snapshot(consumer) is
// one consumer's state as the decider sees it, in-flight decisions included. The consumer controller decides
// on it; admission answers dry-runs and denials from it; so both read the same figures.
import type {
  AllowanceBucket,
  ClaimCreationPolicy,
  GrantCreationPolicy,
  QuotaKind,
  ResourceClaim,
  ResourceGrant,
  ResourceRegistration,
} from '../api/index.ts';
import { type ConsumerSnapshot, Ledger } from '../quota/index.ts';
import type { InformerFactory, ResourceRef } from '../runtime/index.ts';
import { addIndexes } from './indexes.ts';
import { type QuotaKindCaches, RESOURCES, typedCache } from './resources.ts';
import { quotaView } from './slim.ts';
import { type ConsumerClaimsView, consumerSnapshot } from './snapshot.ts';

export interface SnapshotOptions {
  /** How long a consumer's first decisions wait for grants being validated (startup-wait.ts). Default 0. */
  readonly startupWaitMs?: number;
  /** When the decider started: start-up windows never end before it + the window. */
  readonly decidingSince?: number;
  /** The consumer's claims as the pass reads them (settled ones as totals). Default: every cached claim. */
  readonly view?: ConsumerClaimsView;
  /**
   * Feed each claim's cached state to the ledger first, dropping the assumptions the cache now shows decided.
   * The consumer controller's passes do; readers (admission) leave the ledger alone.
   */
  readonly observe?: boolean;
}

export class QuotaCache implements QuotaKindCaches {
  // typed by the constructor's assignments (QuotaKindCaches says which kind each holds)
  readonly registrations;
  readonly grants;
  readonly buckets;
  readonly claims;
  readonly grantPolicies;
  readonly claimPolicies;
  /** Decisions in flight. Only the consumer controller assumes and forgets (quota/ledger.ts has the contract). */
  readonly ledger = new Ledger();

  constructor(informers: Pick<InformerFactory, 'informerFor'>) {
    const cache = <T extends object>(resource: ResourceRef, kind: QuotaKind) =>
      typedCache<T>(informers.informerFor(resource, {}, quotaView(kind)));
    this.registrations = cache<ResourceRegistration>(RESOURCES.registrations, 'ResourceRegistration');
    this.grants = cache<ResourceGrant>(RESOURCES.grants, 'ResourceGrant');
    this.buckets = cache<AllowanceBucket>(RESOURCES.buckets, 'AllowanceBucket');
    this.claims = cache<ResourceClaim>(RESOURCES.claims, 'ResourceClaim');
    this.grantPolicies = cache<GrantCreationPolicy>(RESOURCES.grantPolicies, 'GrantCreationPolicy');
    this.claimPolicies = cache<ClaimCreationPolicy>(RESOURCES.claimPolicies, 'ClaimCreationPolicy');
    addIndexes(this);
  }

  /** Resolves once every kind's cache has synced; rejects if `signal` aborts first. */
  async synced(signal: AbortSignal): Promise<void> {
    const { registrations, grants, buckets, claims, grantPolicies, claimPolicies } = this;
    const caches = [registrations, grants, buckets, claims, grantPolicies, claimPolicies];
    await Promise.all(caches.map((cache) => cache.synced(signal)));
  }

  /** One consumer's state: its registrations, grants and claims from the caches, with the decisions in flight
   * applied to the claims they were made for. */
  snapshot(consumerKey: string, now: number, options: SnapshotOptions = {}): ConsumerSnapshot {
    const { startupWaitMs = 0, decidingSince, view } = options;
    const cached = consumerSnapshot(this, consumerKey, now, startupWaitMs, decidingSince, view);
    if (options.observe === true) for (const claim of cached.claims) this.ledger.observe(claim);
    return this.ledger.overlaySnapshot(cached);
  }
}

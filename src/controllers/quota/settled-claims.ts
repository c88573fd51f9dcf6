// Which of each consumer's claims a pass has to read. Nearly all of a busy consumer's claims are settled:
// decided long ago, their status already what the decider would write, not being deleted. Those are kept as
// running totals (SettledBook), updated from the claim informer's events, and a pass reads only the others:
// new claims, claims whose writes are still in flight, claims being deleted. So a pass costs the claims that
// changed, not every claim the consumer has (issue #15: a pass per new claim was quadratic).
//
// The informer calls handlers synchronously with each change of its store, so between two events the totals
// and the unsettled claims always add up to exactly the cached claims.
import type { ResourceClaim } from '../../api/index.ts';
import type { ConsumerClaimsView } from '../../cache/index.ts';
import { BY_CONSUMER, claimConsumer, toClaimInput } from '../../cache/index.ts';
import { SettledBook, type SettledShare, settledShare } from '../../quota/index.ts';
import { type KubeObject, objectKey } from '../../runtime/index.ts';
import { nextClaimStatus } from './status.ts';

interface ConsumerClaims {
  readonly key: string;
  readonly book: SettledBook;
  readonly unsettled: Map<string, ResourceClaim>;
}

/** The claim informer, as far as this index reads it. */
export interface ClaimEventSource {
  addEventHandler(handlers: {
    onAdd?(obj: KubeObject): void;
    onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
    onDelete?(obj: KubeObject): void;
  }): () => void;
  byIndex(index: string, value: string): KubeObject[];
}

const NO_CLAIMS: ConsumerClaimsView = { claims: [], settled: new Map() };

export class SettledClaims {
  readonly #claims: ClaimEventSource;
  /**
   * Claim uid → its consumer's entry: all that is kept per settled claim (the uid is the cached object's own
   * string). What a settled claim added is worked out again from the object the informer hands back when it
   * changes or goes, which is the object it added (or one with the same content, after a relist).
   */
  readonly #where = new Map<string, ConsumerClaims>();
  readonly #consumers = new Map<string, ConsumerClaims>();
  /** Times a consumer's totals were rebuilt because an old object did not give back its share (never, so far). */
  rebuilds = 0;

  /** Follows `claims` from now on; the claims it already holds are counted at once. */
  constructor(claims: ClaimEventSource) {
    this.#claims = claims;
    claims.addEventHandler({
      onAdd: (obj) => this.#put(obj as ResourceClaim),
      onUpdate: (old, obj) => {
        this.#drop(old as ResourceClaim);
        this.#put(obj as ResourceClaim);
      },
      onDelete: (obj) => this.#drop(obj as ResourceClaim),
    });
  }

  /** The consumer's unsettled claims and its settled claims' totals, as the cache holds them now. */
  view(consumer: string): ConsumerClaimsView {
    const entry = this.#consumers.get(consumer);
    if (entry === undefined) return NO_CLAIMS;
    return { claims: [...entry.unsettled.values()], settled: entry.book.totals() };
  }

  #put(claim: ResourceClaim): void {
    const [consumer] = claimConsumer(claim);
    const uid = claim.metadata.uid;
    if (consumer === undefined || uid === undefined) return; // no usable consumerRef: no pass decides it
    if (this.#where.has(uid)) return; // counted already, by a rebuild from the cache
    const entry = this.#consumer(consumer);
    this.#where.set(uid, entry);
    const share = shareOf(claim);
    if (share === undefined) entry.unsettled.set(objectKey(claim), claim);
    else entry.book.add(share);
  }

  #drop(claim: ResourceClaim): void {
    const uid = claim.metadata.uid ?? '';
    const entry = this.#where.get(uid);
    if (entry === undefined) return;
    this.#where.delete(uid);
    if (!entry.unsettled.delete(objectKey(claim))) {
      const share = shareOf(claim);
      if (share === undefined) this.#rebuild(entry);
      else entry.book.remove(share);
    }
    if (entry.unsettled.size === 0 && entry.book.size === 0) this.#consumers.delete(entry.key);
  }

  /** Counts a consumer's claims again from the cache: the totals must never drift from the claims. */
  #rebuild(stale: ConsumerClaims): void {
    this.rebuilds += 1;
    this.#consumers.delete(stale.key);
    for (const obj of this.#claims.byIndex(BY_CONSUMER, stale.key)) {
      const claim = obj as ResourceClaim;
      if (claim.metadata.uid !== undefined) this.#where.delete(claim.metadata.uid);
      this.#put(claim);
    }
  }

  #consumer(key: string): ConsumerClaims {
    let entry = this.#consumers.get(key);
    if (entry === undefined) {
      entry = { key, book: new SettledBook(), unsettled: new Map() };
      this.#consumers.set(key, entry);
    }
    return entry;
  }
}

/**
 * A settled claim's share: its status already says what a pass with no decision for it would write (every
 * request decided, condition rolled up, observedGeneration current) and it is not being deleted. That
 * depends on the claim alone, never on the time.
 */
function shareOf(claim: ResourceClaim): SettledShare | undefined {
  if (nextClaimStatus(claim, undefined, new Date()) !== undefined) return undefined;
  return settledShare(toClaimInput(claim));
}

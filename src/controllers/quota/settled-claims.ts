// Which of each consumer's claims a pass has to read. Nearly all of a busy consumer's claims are settled:
// decided long ago, their status already what the decider would write, not being deleted. Those are kept as
// running totals (SettledBook), updated from the claim informer's events, and a pass reads only the others:
// new claims, claims whose writes are still in flight, claims being deleted. So a pass costs the claims that
// changed, not every claim the consumer has (issue #15: a pass per new claim was quadratic).
//
// The informer calls handlers synchronously with each change of its store, so between two events the totals
// and the unsettled claims always add up to exactly the cached claims.
import type { ResourceClaim } from '../../api/index.ts';
import { SettledBook, type SettledShare, settledShare } from '../../quota/index.ts';
import { type KubeObject, objectKey } from '../../runtime/index.ts';
import { claimConsumer } from '../indexes.ts';
import type { ConsumerClaimsView } from './snapshot.ts';
import { claimInput } from './snapshot.ts';
import { nextClaimStatus } from './status.ts';

/** Where a claim is counted, and what it added to its consumer's totals (undefined while unsettled). */
interface Counted {
  readonly consumer: string;
  readonly share: SettledShare | undefined;
}

interface ConsumerClaims {
  readonly book: SettledBook;
  readonly unsettled: Map<string, ResourceClaim>;
}

export interface ClaimEventSource {
  addEventHandler(handlers: {
    onAdd?(obj: KubeObject): void;
    onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
    onDelete?(obj: KubeObject): void;
  }): () => void;
}

export class SettledClaims {
  readonly #counted = new Map<string, Counted>();
  readonly #consumers = new Map<string, ConsumerClaims>();

  /** Follows `informer` from now on; the claims it already holds are counted at once. */
  constructor(informer: ClaimEventSource) {
    informer.addEventHandler({
      onAdd: (obj) => this.#put(obj as ResourceClaim),
      onUpdate: (_old, obj) => this.#put(obj as ResourceClaim),
      onDelete: (obj) => this.#drop(objectKey(obj)),
    });
  }

  /** The consumer's unsettled claims and its settled claims' totals, as the cache holds them now. */
  view(consumer: string): ConsumerClaimsView {
    const entry = this.#consumers.get(consumer);
    if (entry === undefined) return { claims: [], settled: new Map() };
    return { claims: [...entry.unsettled.values()], settled: entry.book.totals() };
  }

  /** Claims counted as settled, over every consumer. */
  get settledCount(): number {
    let count = 0;
    for (const { book } of this.#consumers.values()) count += book.size;
    return count;
  }

  #put(claim: ResourceClaim): void {
    const key = objectKey(claim);
    this.#drop(key);
    const [consumer] = claimConsumer(claim);
    if (consumer === undefined) return; // no usable consumerRef: no pass decides it
    const share = shareOf(claim);
    this.#counted.set(key, { consumer, share });
    const entry = this.#consumer(consumer);
    if (share === undefined) entry.unsettled.set(key, claim);
    else entry.book.add(share);
  }

  #drop(key: string): void {
    const counted = this.#counted.get(key);
    if (counted === undefined) return;
    this.#counted.delete(key);
    const entry = this.#consumers.get(counted.consumer);
    if (entry === undefined) return;
    if (counted.share === undefined) entry.unsettled.delete(key);
    else entry.book.remove(counted.share);
    if (entry.unsettled.size === 0 && entry.book.size === 0) this.#consumers.delete(counted.consumer);
  }

  #consumer(consumer: string): ConsumerClaims {
    let entry = this.#consumers.get(consumer);
    if (entry === undefined) {
      entry = { book: new SettledBook(), unsettled: new Map() };
      this.#consumers.set(consumer, entry);
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
  return settledShare(claimInput(claim));
}

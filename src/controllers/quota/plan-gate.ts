// A consumer pass ends once its decisions are assumed in the ledger and their claim writes are sent: the next
// pass need not wait for the writes (pipelining). Its bucket plan counts those decisions, so handing it to the
// bucket writer at once would let a bucket show a grant whose write has not landed, or never will. The gate
// holds each consumer's plans in pass order and releases one only when every claim write of its pass and of
// the passes before it has settled; of several released together only the latest matters (it counts
// everything the earlier ones did). A prefix with a failed write releases nothing: the failure queues another
// pass, whose plan (made after the failed assumption was undone) follows.

export interface PlanTicket {
  readonly consumerKey: string;
}

interface Entry<P> extends PlanTicket {
  readonly plan: P;
  settled: boolean;
  failed: boolean;
}

export class PlanGate<P> {
  readonly #queues = new Map<string, Entry<P>[]>();

  /** Queues a pass's plan behind the consumer's earlier passes whose writes are still in flight. */
  open(consumerKey: string, plan: P): PlanTicket {
    const entry: Entry<P> = { consumerKey, plan, settled: false, failed: false };
    const queue = this.#queues.get(consumerKey);
    if (queue === undefined) this.#queues.set(consumerKey, [entry]);
    else queue.push(entry);
    return entry;
  }

  /**
   * Marks a pass's writes settled (`failed`: at least one certainly or possibly did not land). Returns the plan
   * to hand to the bucket writer now, if any.
   */
  settle(ticket: PlanTicket, failed: boolean): P | undefined {
    const queue = this.#queues.get(ticket.consumerKey);
    const entry = queue?.find((e) => e === ticket);
    if (queue === undefined || entry === undefined) return undefined;
    entry.settled = true;
    entry.failed = failed;
    let released: Entry<P> | undefined;
    let failedBefore = false;
    while (queue[0]?.settled === true) {
      const head = queue.shift() as Entry<P>;
      failedBefore ||= head.failed;
      released = head;
    }
    if (queue.length === 0) this.#queues.delete(ticket.consumerKey);
    return released === undefined || failedBefore ? undefined : released.plan;
  }

  /** Consumers with a pass whose writes are in flight (tests, metrics). */
  get pending(): number {
    return this.#queues.size;
  }
}

// Paces the passes of one busy consumer. A pass returns once its writes are sent (pipelining), so without
// pacing a consumer that receives a claim every few milliseconds gets a pass per claim, and each pass reads
// all of its claims: the work grows with the square of its claims. After a pass that took `c` ms the next one
// waits until `factor × c` ms have passed, so passes take at most 1 / (1 + factor) of a worker's time, and
// the claims that arrived meanwhile are decided together. A small consumer's passes take well under a
// millisecond and are not held back at all.

export interface PassPacerOptions {
  /** The pause after a pass, as a multiple of how long it took. Default 2. */
  readonly factor?: number;
  /** The longest pause, in ms: what pacing may add to a decision's latency. Default 20. */
  readonly maxPauseMs?: number;
  /** Pauses shorter than this are not taken, in ms. Default 1. */
  readonly minPauseMs?: number;
}

export class PassPacer {
  readonly #factor: number;
  readonly #maxPauseMs: number;
  readonly #minPauseMs: number;
  /** Consumer key → when its next pass may start (performance.now() ms). Only consumers being paced. */
  readonly #notBefore = new Map<string, number>();

  constructor(options: PassPacerOptions = {}) {
    this.#factor = options.factor ?? 2;
    this.#maxPauseMs = options.maxPauseMs ?? 20;
    this.#minPauseMs = options.minPauseMs ?? 1;
  }

  /** How long the consumer's next pass must still wait, in ms (0: run it now). */
  wait(key: string, now: number): number {
    const notBefore = this.#notBefore.get(key);
    if (notBefore === undefined) return 0;
    if (now >= notBefore) {
      this.#notBefore.delete(key);
      return 0;
    }
    return notBefore - now;
  }

  /** Records a pass that ran from `started` to `ended`. */
  passed(key: string, started: number, ended: number): void {
    const pause = Math.min(this.#maxPauseMs, this.#factor * (ended - started));
    if (pause < this.#minPauseMs) this.#notBefore.delete(key);
    else this.#notBefore.set(key, ended + pause);
  }

  /** Consumers currently paced (memory stays bounded by the busy ones). */
  get size(): number {
    return this.#notBefore.size;
  }
}

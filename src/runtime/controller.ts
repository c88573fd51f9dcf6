// A controller: sources (shared informers + event mapping + predicates) feed a keyed workqueue; N workers
// run the reconciler, never two on one key. The worker loop's Result→queue switch mirrors controller-runtime's
// reconcileHandler (pkg/internal/controller/controller.go).
import type { Registry } from 'prom-client';
import { type ControllerMetrics, controllerMetrics, type ReconcileOutcome } from './controller-metrics.ts';
import { type EventMapper, enqueueObject, type ObjectEvent } from './handler.ts';
import type { Informer } from './informer.ts';
import { isConflict } from './kube-http.ts';
import { errorFields, type Logger, reconcileLogger } from './logger.ts';
import type { Predicate } from './predicate.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { isTerminalError, type Reconciler, type Result } from './reconcile.ts';
import { LeaderElectionLostError, type Runnable } from './runnable.ts';
import { type Request, requestFromKey, requestKey } from './types.ts';
import { Workqueue } from './workqueue.ts';
import { queueMetrics } from './workqueue-metrics.ts';

export interface ControllerOptions {
  /** Unique per process; the `controller` label of metrics and logs. Required. */
  name: string;
  reconciler: Reconciler;
  logger: Logger;
  /** Where metrics go. Default: none. The manager passes its registry. */
  registry?: Registry;
  /** Workers. Default 1 (controller-runtime's MaxConcurrentReconciles). */
  maxConcurrentReconciles?: number;
  /** Retry policy. Default MaxOf(exponential 5 ms → 1000 s, bucket 10 qps / burst 100). */
  rateLimiter?: RateLimiter;
  /** Run only on the leader. Default true. */
  needLeaderElection?: boolean;
  /** On a graceful stop, how long in-flight reconciles may finish before their signal aborts. Default 30 s. */
  gracefulShutdownTimeoutMs?: number;
}

/** Where events come from: a shared informer, how its events map to requests, and which events count. */
export interface Source {
  informer: Informer;
  /** Default: the object's own key. */
  map?: EventMapper;
  /** All must pass. Default: every event. */
  predicates?: Predicate[];
}

interface Run {
  queue: Workqueue;
  /** Aborted on leadership loss, or when the graceful drain deadline passes: the reconcile `signal`. */
  hardStop: AbortController;
  detach: (() => void)[];
}

export class Controller implements Runnable {
  readonly name: string;
  readonly needLeaderElection: boolean;
  readonly #o: ControllerOptions;
  readonly #metrics: ControllerMetrics | undefined;
  readonly #sources: Source[] = [];
  readonly #workers: number;
  #run: Run | undefined;

  constructor(options: ControllerOptions) {
    if (!options.name) throw new Error('controller: options.name is required (it labels metrics and logs)');
    const workers = options.maxConcurrentReconciles ?? 1;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new Error(
        `controller ${options.name}: maxConcurrentReconciles must be an integer >= 1, got ${workers}`,
      );
    }
    this.name = options.name;
    this.needLeaderElection = options.needLeaderElection ?? true;
    this.#o = options;
    this.#workers = workers;
    this.#metrics = options.registry ? controllerMetrics(options.registry, options.name, workers) : undefined;
  }

  /** Adds a source. Before start it is attached at start; after start at once (dynamic watches). */
  watch(source: Source): void {
    this.#sources.push(source);
    if (this.#run) this.#run.detach.push(this.#attach(source, this.#run.queue));
  }

  /** Queues a request directly (e.g. "process every trigger now"). Ignored while stopped: start replays all. */
  enqueue(req: Request, afterMs = 0): void {
    this.#run?.queue.addAfter(requestKey(req), afterMs);
  }

  /** Runs until `signal` aborts. Restartable: each start replays the cached objects of every source. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#run) throw new Error(`controller ${this.name} is already running`);
    const log = this.#o.logger.child({ controller: this.name });
    const run: Run = { queue: this.#newQueue(), hardStop: new AbortController(), detach: [] };
    this.#run = run;
    for (const source of this.#sources) run.detach.push(this.#attach(source, run.queue));
    const stopped = new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    log.info('waiting for caches to sync', { sources: this.#sources.length });
    await Promise.race([Promise.all(this.#sources.map((s) => s.informer.synced)), stopped]);
    if (!signal.aborted) {
      log.info('starting workers', { workers: this.#workers });
      for (let i = 0; i < this.#workers; i++) void this.#worker(run, log);
      await stopped;
    }
    for (const detach of run.detach) detach();
    if (signal.reason instanceof LeaderElectionLostError) run.hardStop.abort(signal.reason);
    const drained = await run.queue.shutDownWithDrain(this.#o.gracefulShutdownTimeoutMs ?? 30_000);
    if (!drained) {
      log.warn('in-flight reconciles did not finish in time; aborting them', {
        inFlight: run.queue.inFlight(),
      });
      run.hardStop.abort(new Error('graceful shutdown deadline passed'));
    }
    this.#run = undefined;
    log.info('controller stopped');
  }

  #newQueue(): Workqueue {
    const { registry, rateLimiter, name } = this.#o;
    return new Workqueue({
      ...(rateLimiter ? { rateLimiter } : {}),
      ...(registry
        ? { metrics: (q: Workqueue) => queueMetrics(registry, name, () => q.inFlightSeconds()) }
        : {}),
    });
  }

  #attach(source: Source, queue: Workqueue): () => void {
    const map = source.map ?? enqueueObject();
    const predicates = source.predicates ?? [];
    const handle = (event: ObjectEvent) => {
      if (!predicates.every((p) => p(event))) return;
      const requests = map(event);
      if (requests.length === 1) queue.add(requestKey(requests[0] as Request));
      // An update often maps its old and new object to one key. Added twice, the first add hands the key to an
      // idle worker at once and the second finds it in flight, which runs the reconciler a second time.
      else for (const key of new Set(requests.map(requestKey))) queue.add(key);
    };
    return source.informer.addEventHandler({
      onAdd: (object) => handle({ type: 'create', object }),
      onUpdate: (oldObject, object) => handle({ type: 'update', oldObject, object }),
      onDelete: (object) => handle({ type: 'delete', object }),
    });
  }

  async #worker(run: Run, log: Logger): Promise<void> {
    for (;;) {
      const key = await run.queue.get();
      if (key === undefined) return;
      this.#metrics?.activeWorkers(1);
      try {
        await this.#reconcileHandler(run, key, log);
      } finally {
        this.#metrics?.activeWorkers(-1);
        run.queue.done(key);
      }
    }
  }

  async #reconcileHandler(run: Run, key: string, log: Logger): Promise<void> {
    const { queue } = run;
    const ctx = { signal: run.hardStop.signal, log: reconcileLogger(this.#o.logger, this.name, key) };
    const started = performance.now();
    let result: Result = {};
    let failure: { err: unknown } | undefined;
    try {
      result = await this.#o.reconciler(ctx, requestFromKey(key));
    } catch (err) {
      failure = { err };
    }
    const seconds = (performance.now() - started) / 1000;
    let outcome: ReconcileOutcome;
    switch (true) {
      case failure !== undefined: {
        outcome = 'error';
        const terminal = isTerminalError(failure.err);
        this.#metrics?.error(terminal);
        if (terminal) {
          queue.forget(key);
          ctx.log.error('reconcile failed permanently; not retrying', errorFields(failure.err));
        } else {
          queue.addRateLimited(key);
          // A 409 Conflict is optimistic concurrency doing its job: the object changed under the write and
          // the retry reads it afresh. Expected, so debug; any other retried failure stays an error.
          const level = isConflict(failure.err) ? 'debug' : 'error';
          ctx.log[level](
            isConflict(failure.err) ? 'write conflict; retrying' : 'reconcile failed; retrying',
            {
              ...errorFields(failure.err),
              retries: queue.numRequeues(key),
            },
          );
        }
        break;
      }
      case (result.requeueAfterMs ?? 0) > 0:
        outcome = 'requeue_after';
        queue.forget(key);
        queue.addAfter(key, result.requeueAfterMs ?? 0);
        break;
      case result.requeue === true:
        outcome = 'requeue';
        queue.addRateLimited(key);
        break;
      default:
        outcome = 'success';
        queue.forget(key);
    }
    this.#metrics?.reconciled(outcome, seconds);
    log.debug('reconciled', { key, result: outcome, ms: Math.round(seconds * 1000) });
  }
}

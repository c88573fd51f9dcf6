// The manager (controller-runtime's pkg/manager): owns the shared informers, the metrics and probe servers,
// leader election and the runnables' lifecycle.
// Start: servers → caches (every replica, so a standby takes over warm) → non-leader runnables (webhooks) →
// campaign → leader runnables (controllers) once the lease is won; their workers wait for their caches.
// Stop (SIGTERM/SIGINT or the caller's signal): readyz fails at once → leader runnables drain in-flight
// reconciles (bounded) while the lease is still renewed → lease released → other runnables → caches → servers.
// A second SIGTERM/SIGINT exits at once.
import type { Server } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Counter, Registry } from 'prom-client';
import { createClient, type KubeClient } from './client.ts';
import { Controller, type ControllerOptions } from './controller.ts';
import { type EventRecorder, type EventRecorderOptions, KubeEventRecorder } from './event-recorder.ts';
import { type InformerDefaults, InformerFactory } from './informer-factory.ts';
import { LeaderElector } from './leader-election.ts';
import { createLogger, errorFields, type Logger } from './logger.ts';
import { type LeaderOptions, leadLoop } from './manager-leader.ts';
import { counter, newMetricsRegistry } from './metrics.ts';
import { type AccessCacheOptions, kubeAccessReviewer, MetricsAccess } from './metrics-auth.ts';
import { LeaseExpiredError, type Runnable, ShutdownError } from './runnable.ts';
import {
  type BindAddress,
  type Check,
  close,
  metricsHandler,
  probeHandler,
  serve,
  type TlsPair,
} from './servers.ts';

/** The metrics server: plain HTTP by default; controller-runtime's secure metrics with `tls` and `authorize`. */
export interface MetricsServerOptions extends BindAddress {
  /** Serve HTTPS with this certificate (made once, as the server starts). */
  tls?: () => Promise<TlsPair>;
  /** Require a bearer token whose user may get /metrics (TokenReview, SubjectAccessReview; cached). */
  authorize?: boolean | AccessCacheOptions;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  /** Default: JSON to stdout at LOG_LEVEL (info). */
  logger?: Logger;
  /** Default: a new registry with Node's default process metrics. */
  registry?: Registry;
  /** /metrics. Default port 8080, plain HTTP; false = no server. */
  metrics?: MetricsServerOptions | false;
  /** /healthz and /readyz. Default port 8081; false = no server. */
  probes?: BindAddress | false;
  /** Default: off (every replica runs leader runnables). */
  leaderElection?: LeaderOptions | false;
  /** How long leader runnables may drain on stop. Default 30 s. */
  gracefulShutdownTimeoutMs?: number;
  /** Stop on SIGTERM/SIGINT. Default true. */
  handleSignals?: boolean;
  /** Tuning for every informer. */
  informers?: InformerDefaults;
  /** Log an error if caches have not synced by then (readyz stays false; nothing exits). Default 2 min. */
  cacheSyncTimeoutMs?: number;
}

/**
 * What a controller's setup needs of its manager: the client, the shared informers, metrics, logs, events,
 * fencing and the runnables. The Manager is one; the in-memory fake (fake/manager.ts) is the other.
 */
export interface ControllerHost {
  readonly client: KubeClient;
  readonly informers: Pick<InformerFactory, 'informerFor'>;
  readonly logger: Logger;
  readonly registry: Registry;
  add(runnable: Runnable): void;
  newController(options: Omit<ControllerOptions, 'logger' | 'registry'>): Controller;
  eventRecorder(options: EventRecorderOptions): EventRecorder;
  assertLeading(): void;
}

/** A controller with the host's logger and metrics registry, added to the host (the Manager and the fake alike). */
export function addController(
  host: Pick<ControllerHost, 'logger' | 'registry' | 'add'>,
  options: Omit<ControllerOptions, 'logger' | 'registry'>,
): Controller {
  const controller = new Controller({ ...options, logger: host.logger, registry: host.registry });
  host.add(controller);
  return controller;
}

export class Manager implements ControllerHost {
  readonly informers: InformerFactory;
  readonly client: KubeClient;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Resolves when the servers listen (ports readable). */
  readonly listening: Promise<void>;
  /** Resolves when this replica may run leader runnables (elected, or election off). */
  readonly elected: Promise<void>;
  probePort: number | undefined;
  metricsPort: number | undefined;
  readonly #o: ManagerOptions;
  readonly #runnables: Runnable[] = [];
  readonly #health = new Map<string, Check>([['ping', () => true]]);
  readonly #ready = new Map<string, Check>();
  readonly #elector: LeaderElector | undefined;
  readonly #fenced: Counter<string>;
  #markListening: () => void = () => {};
  #markElected: () => void = () => {};
  #stopping = false;
  #started = false;

  constructor(options: ManagerOptions) {
    this.#o = options;
    this.logger = options.logger ?? createLogger();
    this.registry = options.registry ?? newMetricsRegistry();
    this.client = createClient(options.kubeConfig);
    this.informers = new InformerFactory(options.kubeConfig, this.logger, options.informers);
    const le = options.leaderElection;
    this.#elector = le ? new LeaderElector(options.kubeConfig, le, this.logger, this.registry) : undefined;
    this.#fenced = counter(this.registry, {
      name: 'leader_election_fenced_writes_total',
      help: 'Writes refused because the leader lease may have expired (the replica was paused or cut off).',
      labelNames: [],
    });
    this.listening = new Promise((resolve) => {
      this.#markListening = resolve;
    });
    this.elected = new Promise((resolve) => {
      this.#markElected = resolve;
    });
    this.#ready.set('shutdown', () => {
      if (this.#stopping) throw new Error('shutting down');
      return true;
    });
    this.#ready.set('informers-synced', () => {
      const pending = this.informers.informers().filter((i) => !i.hasSynced());
      if (pending.length > 0)
        throw new Error(`waiting for ${pending.map((i) => i.resource.plural).join(', ')}`);
      return true;
    });
  }

  get identity(): string | undefined {
    return this.#elector?.identity;
  }

  isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader() : true;
  }

  /**
   * Fencing: throws LeaseExpiredError unless the lease is certainly still ours (always passes without
   * leader election). Writers of decisions call it right before each write, so a replica that was paused past
   * its lease writes nothing when it resumes, even before its renew loop notices the loss.
   */
  assertLeading(): void {
    if (this.#elector === undefined || this.#elector.leaseValid()) return;
    this.#fenced.inc();
    throw new LeaseExpiredError();
  }

  /** Adds a runnable; all of them must be added before `start` (informers and watches may come later). */
  add(runnable: Runnable): void {
    if (this.#started) throw new Error(`add runnable ${runnable.name ?? ''} before Manager.start, not after`);
    this.#runnables.push(runnable);
  }

  /** Creates a controller wired to this manager's logger and metrics, and adds it. */
  newController(options: Omit<ControllerOptions, 'logger' | 'registry'>): Controller {
    return addController(this, {
      gracefulShutdownTimeoutMs: this.#o.gracefulShutdownTimeoutMs ?? 30_000,
      ...options,
    });
  }

  eventRecorder(options: EventRecorderOptions): KubeEventRecorder {
    return new KubeEventRecorder(this.#o.kubeConfig, this.logger, options);
  }

  addHealthCheck(name: string, check: Check): void {
    this.#health.set(name, check);
  }

  addReadyCheck(name: string, check: Check): void {
    this.#ready.set(name, check);
  }

  /** Runs until `signal` aborts or SIGTERM/SIGINT; resolves after a clean stop, rejects if a runnable failed. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#started) throw new Error('Manager.start called twice');
    this.#started = true;
    const servers = await this.#startServers(); // fails fast, e.g. on a port in use
    const stop = new AbortController();
    const onExternal = () => stop.abort(new ShutdownError());
    signal?.addEventListener('abort', onExternal, { once: true });
    if (signal?.aborted) onExternal();
    const removeSignals = this.#o.handleSignals === false ? () => {} : this.#onSignals(stop);
    let failure: unknown;
    const fail = (err: unknown) => {
      failure ??= err;
      stop.abort(err);
    };
    this.informers.start();
    void this.#watchSync(stop.signal);
    const run = (r: Runnable, s: AbortSignal) => this.#run(r, s, fail);
    // Webhooks and other non-leader runnables stop only after the controllers have drained: admission keeps
    // answering (and claim waiters keep getting decisions) during the whole drain.
    const othersStop = new AbortController();
    const others = this.#runnables.filter((r) => !r.needLeaderElection).map((r) => run(r, othersStop.signal));
    const leaders = this.#runnables.filter((r) => r.needLeaderElection);
    const leading = leadLoop({
      elector: this.#elector,
      options: this.#o.leaderElection || {},
      runnables: leaders,
      run,
      stop: stop.signal,
      graceMs: this.#o.gracefulShutdownTimeoutMs ?? 30_000,
      log: this.logger,
      onElected: () => this.#markElected(),
    });
    await new Promise<void>((resolve) =>
      stop.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    this.#stopping = true;
    this.logger.info('stopping', { reason: errorFields(stop.signal.reason).error });
    await leading;
    othersStop.abort(stop.signal.reason);
    await Promise.all(others);
    await this.informers.stop();
    await Promise.all(servers.map(close));
    removeSignals();
    signal?.removeEventListener('abort', onExternal);
    this.logger.info('stopped');
    if (failure !== undefined) throw failure;
  }

  async #run(runnable: Runnable, signal: AbortSignal, fail: (err: unknown) => void): Promise<void> {
    try {
      await runnable.start(signal);
    } catch (err) {
      this.logger.error('runnable failed; stopping the manager', {
        runnable: runnable.name,
        ...errorFields(err),
      });
      fail(err);
    }
  }

  async #startServers(): Promise<Server[]> {
    const servers: Server[] = [];
    const start = async (
      what: string,
      handler: Parameters<typeof serve>[0],
      address: BindAddress,
      tls?: () => Promise<TlsPair>,
    ) => {
      try {
        const { server, port } = await serve(handler, address, await tls?.());
        servers.push(server);
        return port;
      } catch (err) {
        await Promise.all(servers.map(close));
        throw new Error(`${what} server cannot listen on port ${address.port}: ${(err as Error).message}`);
      }
    };
    const probes = this.#o.probes ?? { port: 8081 };
    if (probes)
      this.probePort = await start('probe (options.probes)', probeHandler(this.#health, this.#ready), probes);
    const metrics = this.#o.metrics ?? { port: 8080 };
    if (metrics) {
      const handler = metricsHandler(this.registry, this.#metricsAccess(metrics));
      this.metricsPort = await start('metrics (options.metrics)', handler, metrics, metrics.tls);
    }
    this.logger.info('serving', {
      probePort: this.probePort,
      metricsPort: this.metricsPort,
      metricsSecure: metrics !== false && metrics.authorize !== undefined && metrics.authorize !== false,
    });
    this.#markListening();
    return servers;
  }

  #metricsAccess(metrics: MetricsServerOptions): MetricsAccess | undefined {
    const { authorize } = metrics;
    if (authorize === undefined || authorize === false) return undefined;
    return new MetricsAccess(kubeAccessReviewer(this.client), authorize === true ? {} : authorize);
  }

  async #watchSync(stop: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.#o.cacheSyncTimeoutMs ?? 120_000);
    const synced = await this.informers.waitForSync(AbortSignal.any([stop, timeout]));
    if (synced) this.logger.info('caches synced', { informers: this.informers.informers().length });
    else if (!stop.aborted)
      this.logger.error('caches have not synced yet; still trying (readyz stays false)');
  }

  #onSignals(stop: AbortController): () => void {
    const handler = (sig: NodeJS.Signals) => {
      if (stop.signal.aborted) {
        this.logger.warn('second signal: exiting now', { signal: sig });
        process.exit(1);
      }
      stop.abort(new ShutdownError(`received ${sig}`));
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
    return () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    };
  }
}

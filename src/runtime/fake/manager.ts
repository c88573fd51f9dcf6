// An in-memory ControllerHost: the fake client, informers fed by its watch, real Controllers and workqueues.
// Controllers set up on it run exactly their production code, in milliseconds and without a control plane.
import { Registry } from 'prom-client';
import type { Controller, ControllerOptions } from '../controller.ts';
import type { EventRecorder, EventRecorderOptions } from '../event-recorder.ts';
import type { Informer } from '../informer.ts';
import { type InformerView, informerKey } from '../informer-factory.ts';
import { createLogger, type Logger } from '../logger.ts';
import { addController, type ControllerHost } from '../manager.ts';
import type { ListWatchOptions } from '../reflector.ts';
import { LeaseExpiredError, type Runnable } from '../runnable.ts';
import type { KubeObject, ResourceRef } from '../types.ts';
import { FakeClient, type FakeClientOptions } from './client.ts';
import { FakeSource } from './source.ts';

/** Informers that list and watch the fake client: each is synced with the client's objects when created. */
export class FakeInformers implements Pick<ControllerHost['informers'], 'informerFor'> {
  readonly #client: FakeClient;
  readonly #logger: Logger;
  readonly #sources = new Map<string, FakeSource>();

  constructor(client: FakeClient, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
  }

  informerFor(resource: ResourceRef, selection: ListWatchOptions = {}, view?: InformerView): Informer {
    const key = informerKey(resource, selection, view);
    let source = this.#sources.get(key);
    if (source === undefined) {
      const made = new FakeSource({
        resource,
        selection,
        ...(view ? { view } : {}),
        logger: this.#logger,
      });
      this.#client.watch(resource, (type, obj) => (type === 'deleted' ? made.delete(obj) : made.add(obj)));
      made.sync(this.#client.list(resource));
      this.#sources.set(key, made);
      source = made;
    }
    return source.informer;
  }

  /** Every informer made so far. */
  informers(): Informer[] {
    return [...this.#sources.values()].map((s) => s.informer);
  }
}

/** One recorded Event. */
export interface RecordedEvent {
  readonly object: KubeObject;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface FakeManagerOptions extends FakeClientOptions {
  /** Default: silent (LOG_LEVEL=debug shows the controllers' logs). */
  readonly logger?: Logger;
}

export class FakeManager implements ControllerHost {
  readonly client: FakeClient;
  readonly informers: FakeInformers;
  readonly logger: Logger;
  readonly registry = new Registry();
  /** Events the controllers recorded, in order. */
  readonly events: RecordedEvent[] = [];
  /** While false, assertLeading throws LeaseExpiredError (a replica that lost its lease). */
  leading = true;
  readonly #runnables: Runnable[] = [];
  #stop: AbortController | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: FakeManagerOptions = {}) {
    this.client = new FakeClient(options);
    this.logger =
      options.logger ?? createLogger({ silent: process.env.LOG_LEVEL !== 'debug', level: 'debug' });
    this.informers = new FakeInformers(this.client, this.logger);
  }

  add(runnable: Runnable): void {
    if (this.#running) throw new Error('add runnables to the fake manager before start');
    this.#runnables.push(runnable);
  }

  newController(options: Omit<ControllerOptions, 'logger' | 'registry'>): Controller {
    return addController(this, { gracefulShutdownTimeoutMs: 1_000, ...options });
  }

  eventRecorder(_options: EventRecorderOptions): EventRecorder {
    return {
      event: (object, type, reason, message) => {
        this.events.push({ object, type, reason, message });
      },
    };
  }

  assertLeading(): void {
    if (!this.leading) throw new LeaseExpiredError();
  }

  /** Starts every runnable (the informers are already synced). */
  start(): void {
    if (this.#running) throw new Error('the fake manager is already running');
    const stop = new AbortController();
    this.#stop = stop;
    this.#running = Promise.all(this.#runnables.map((r) => r.start(stop.signal)));
  }

  /** Stops every runnable and waits for them. */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#running;
    this.#running = undefined;
  }
}

/**
 * Waits until `check` passes (returns without throwing), yielding to timers and I/O between tries; rethrows
 * its last failure after `timeoutMs`. For a controller's asynchronous effects, seen through the fake client.
 */
export async function eventually<T>(check: () => T, timeoutMs = 2_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}

// Records core/v1 Events about objects, best effort: `event()` returns at once and never throws; writes
// happen one at a time in the background, repeats are aggregated (count/lastTimestamp patch), and a failure
// is logged, never surfaced into a reconcile. Events are for humans, not for correctness.
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { type CorrelatorOptions, EventCorrelator, type EventFacts } from './event-correlator.ts';
import { isNotFound, kubeRequest } from './kube-http.ts';
import { errorFields, type Logger } from './logger.ts';
import type { KubeObject } from './types.ts';

export interface EventRecorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface EventRecorderOptions extends CorrelatorOptions {
  /** `source.component` / `reportingComponent`, e.g. 'quota-operator'. Required. */
  component: string;
  /** Events queued beyond this are dropped (and counted). Default 1000. */
  maxPending?: number;
  now?: () => number;
}

export class KubeEventRecorder implements EventRecorder {
  readonly #kc: KubeConfig;
  readonly #log: Logger;
  readonly #o: EventRecorderOptions;
  readonly #correlator: EventCorrelator;
  readonly #host = hostname();
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  dropped = 0;

  constructor(kubeConfig: KubeConfig, logger: Logger, options: EventRecorderOptions) {
    if (!options.component) throw new Error('event recorder: options.component is required (Event source)');
    this.#kc = kubeConfig;
    this.#log = logger;
    this.#o = options;
    this.#correlator = new EventCorrelator(options);
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const m = obj.metadata ?? {};
    const facts: EventFacts = {
      source: { component: this.#o.component, host: this.#host },
      involvedObject: {
        ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
        ...(obj.kind ? { kind: obj.kind } : {}),
        ...(m.namespace ? { namespace: m.namespace } : {}),
        ...(m.name ? { name: m.name } : {}),
        ...(m.uid ? { uid: m.uid } : {}),
      },
      type,
      reason,
      message: message.slice(0, 1024),
    };
    if (this.#pending >= (this.#o.maxPending ?? 1000)) {
      this.dropped += 1;
      return;
    }
    this.#pending += 1;
    this.#tail = this.#tail
      .then(() => this.#write(facts, m.resourceVersion))
      .catch((err) =>
        this.#log.warn('could not record event', {
          reason,
          key: `${m.namespace ?? ''}/${m.name ?? ''}`,
          ...errorFields(err),
        }),
      )
      .finally(() => {
        this.#pending -= 1;
      });
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.#tail;
  }

  async #write(facts: EventFacts, resourceVersion: string | undefined): Promise<void> {
    const nowMs = (this.#o.now ?? Date.now)();
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'); // metav1.Time: whole seconds
    const decision = this.#correlator.decide(facts, nowMs);
    if (decision.action === 'drop') return;
    const namespace = facts.involvedObject.namespace ?? 'default'; // cluster-scoped objects: default, as client-go
    if (decision.action === 'patch') {
      try {
        await kubeRequest(this.#kc, {
          method: 'PATCH',
          path: `/api/v1/namespaces/${encodeURIComponent(decision.namespace)}/events/${encodeURIComponent(decision.name)}`,
          contentType: 'application/merge-patch+json',
          body: { count: decision.count, lastTimestamp: now },
        });
        this.#correlator.record(facts, decision, nowMs);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.#correlator.forget(facts); // expired by the event TTL: start a new one
      }
    }
    const name = `${facts.involvedObject.name ?? 'object'}.${(BigInt(nowMs) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { ...facts.involvedObject, ...(resourceVersion ? { resourceVersion } : {}) },
      reason: facts.reason,
      message: facts.message,
      type: facts.type,
      source: facts.source,
      reportingComponent: facts.source.component,
      reportingInstance: facts.source.host ?? '',
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    await kubeRequest(this.#kc, {
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
      body,
    });
    this.#correlator.record(facts, { namespace, name, count: 1, firstTimestamp: now }, nowMs);
  }
}

/** A recorder that drops everything: for tests and tools that must not write Events. */
export const noopEventRecorder: EventRecorder = { event() {} };

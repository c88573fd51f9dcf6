// Lease-based leader election with client-go's semantics (tools/leaderelection), on coordination.k8s.io/v1:
// - take over only when the holder has not renewed for a full lease duration, measured on OUR clock from
//   when we last saw the record change (no trust in the other node's wall clock);
// - every write carries the Lease's resourceVersion, so two candidates can never both win a round;
// - renew every retry period; if no renew succeeds within the renew deadline, leadership is lost. Since the
//   deadline (10 s) is shorter than the lease (15 s), we stop deciding before anyone else may start;
// - release on a clean stop (empty holder, 1 s duration) so a standby takes over within one retry period;
// - fencing: the lease counts as ours only until renewDeadline after the last successful renew was SENT, on
//   our monotonic clock. Another replica may take over leaseDuration after it OBSERVED that renew, which is
//   later, so the (leaseDuration - renewDeadline) margin (5 s by default) absorbs a pause between a writer's
//   check and its request, and clock-rate drift. A replica paused past that (SIGSTOP, CPU throttling) finds
//   the lease invalid when it resumes and writes nothing, before its renew loop has even noticed.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import { sleep } from './backoff.ts';
import { isNotFound, kubeRequest } from './kube-http.ts';
import { errorFields, type Logger } from './logger.ts';
import { gauge } from './metrics.ts';
import { microTime } from './micro-time.ts';

export interface LeaderElectionOptions {
  /** Namespace of the Lease. Required. */
  namespace: string;
  /** Name of the Lease, shared by all replicas. Required. */
  name: string;
  /** This candidate. Default `<hostname>_<uuid>`. */
  identity?: string;
  /** Default 15 s. */
  leaseDurationMs?: number;
  /** Default 10 s; must be < leaseDuration. */
  renewDeadlineMs?: number;
  /** Default 2 s; must be < renewDeadline. */
  retryPeriodMs?: number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

export class LeaderElector {
  readonly identity: string;
  readonly #kc: KubeConfig;
  readonly #log: Logger;
  readonly #o: Required<LeaderElectionOptions>;
  readonly #status: ((leading: boolean) => void) | undefined;
  #observedRaw = '';
  #observedAt = 0; // performance.now() when the record last changed
  #leading = false;
  #validUntil = 0; // performance.now() until which the lease is certainly ours (see fencing above)

  constructor(kubeConfig: KubeConfig, options: LeaderElectionOptions, logger: Logger, registry?: Registry) {
    const o = {
      identity: `${hostname()}_${randomUUID()}`,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      ...options,
    };
    if (!o.namespace || !o.name)
      throw new Error('leader election: namespace and name of the Lease are required');
    if (
      !(o.leaseDurationMs > o.renewDeadlineMs && o.renewDeadlineMs > o.retryPeriodMs && o.retryPeriodMs > 0)
    ) {
      throw new Error('leader election: need leaseDurationMs > renewDeadlineMs > retryPeriodMs > 0');
    }
    this.#o = o;
    this.identity = o.identity;
    this.#kc = kubeConfig;
    this.#log = logger.child({ lease: `${o.namespace}/${o.name}`, identity: o.identity });
    if (registry) {
      const g = gauge(registry, {
        name: 'leader_election_master_status',
        help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
        labelNames: ['name'],
      });
      this.#status = (leading) => g.set({ name: o.name }, leading ? 1 : 0);
      this.#status(false);
    }
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** Whether the lease is certainly still ours right now: check before every write that needs it. */
  leaseValid(now = performance.now()): boolean {
    return this.#leading && now < this.#validUntil;
  }

  /** Tries every retry period (jittered) until elected (true) or `signal` aborts (false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    this.#log.info('campaigning for leadership');
    while (!signal.aborted) {
      if (await this.#tryAcquireOrRenew(this.#o.renewDeadlineMs)) {
        this.#setLeading(true);
        this.#log.info('became leader');
        return true;
      }
      await sleep(this.#o.retryPeriodMs * (1 + 0.2 * Math.random()), signal);
    }
    return false;
  }

  /** Renews until `signal` aborts ('stopped') or no renew succeeds within the renew deadline ('lost'). */
  async keepRenewing(signal: AbortSignal): Promise<'lost' | 'stopped'> {
    while (!signal.aborted) {
      await sleep(this.#o.retryPeriodMs, signal);
      if (signal.aborted) break;
      const deadline = performance.now() + this.#o.renewDeadlineMs;
      let renewed = false;
      while (!renewed && performance.now() < deadline) {
        renewed = await this.#tryAcquireOrRenew(deadline - performance.now());
        if (!renewed) await sleep(Math.min(this.#o.retryPeriodMs, Math.max(0, deadline - performance.now())));
      }
      if (!renewed) {
        this.#setLeading(false);
        this.#log.error('failed to renew the lease within the renew deadline: leadership lost');
        return 'lost';
      }
    }
    return 'stopped';
  }

  /** Gives the lease up if we hold it, so another replica takes over at once. Best effort. */
  async release(): Promise<void> {
    if (!this.#leading) return;
    this.#setLeading(false);
    try {
      const lease = await this.#get(this.#o.renewDeadlineMs);
      if (lease?.spec?.holderIdentity !== this.identity) return;
      const now = microTime(new Date());
      const spec = {
        ...lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
      };
      await this.#put({ ...lease, spec }, this.#o.renewDeadlineMs);
      this.#log.info('released the lease');
    } catch (err) {
      this.#log.warn('could not release the lease; it will expire instead', errorFields(err));
    }
  }

  async #tryAcquireOrRenew(budgetMs: number): Promise<boolean> {
    const timeoutMs = Math.max(1, Math.floor(budgetMs));
    const now = new Date();
    const sentAt = performance.now();
    try {
      const lease = await this.#get(timeoutMs);
      if (!lease) {
        await this.#create(now, timeoutMs);
        this.#validUntil = sentAt + this.#o.renewDeadlineMs;
        return true;
      }
      const spec = lease.spec ?? {};
      this.#observe(spec);
      const holder = spec.holderIdentity ?? '';
      const durationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== '' && holder !== this.identity && this.#observedAt + durationMs > performance.now()) {
        return false; // someone else holds a lease that has not expired
      }
      const ours = holder === this.identity;
      const next: LeaseSpec = {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
        acquireTime: ours && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: ours ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      };
      const written = await this.#put({ ...lease, spec: next }, timeoutMs);
      this.#observe(written.spec ?? next);
      this.#validUntil = sentAt + this.#o.renewDeadlineMs;
      if (!ours) this.#log.info('acquired the lease', { previousHolder: holder });
      return true;
    } catch (err) {
      this.#log.debug('lease attempt failed', errorFields(err));
      return false;
    }
  }

  async #create(now: Date, timeoutMs: number): Promise<void> {
    const { namespace, name } = this.#o;
    const spec: LeaseSpec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    const body: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace },
      spec,
    };
    const created = await kubeRequest<Lease>(this.#kc, {
      method: 'POST',
      path: this.#path(false),
      body,
      timeoutMs,
    });
    this.#observe(created.spec ?? spec);
  }

  #observe(spec: LeaseSpec): void {
    const raw = JSON.stringify(spec);
    if (raw !== this.#observedRaw) {
      this.#observedRaw = raw;
      this.#observedAt = performance.now();
    }
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    this.#status?.(leading);
  }

  async #get(timeoutMs: number): Promise<Lease | undefined> {
    try {
      return await kubeRequest<Lease>(this.#kc, { method: 'GET', path: this.#path(true), timeoutMs });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  #put(lease: Lease, timeoutMs: number): Promise<Lease> {
    // The body keeps metadata.resourceVersion from the GET: a concurrent writer makes this a 409.
    return kubeRequest<Lease>(this.#kc, { method: 'PUT', path: this.#path(true), body: lease, timeoutMs });
  }

  #path(named: boolean): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#o.namespace)}/leases`;
    return named ? `${base}/${encodeURIComponent(this.#o.name)}` : base;
  }
}

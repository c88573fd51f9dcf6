// client-go/controller-runtime workqueue metrics, same names and labels (`name` and `controller`, both the
// queue name) so the standard controller-runtime dashboards and alerts work unchanged.
import type { Registry } from 'prom-client';
import { counter, exponentialBuckets, gauge, histogram } from './metrics.ts';

/** What a queue reports; a no-op implementation is used when no registry is given. */
export interface QueueMetrics {
  add(): void;
  depth(n: number): void;
  queueLatency(seconds: number): void;
  workDuration(seconds: number): void;
  retry(): void;
  close(): void;
}

/** Seconds of in-flight work a queue reports on scrape: total unfinished and the longest single item. */
export type InFlightProbe = () => { unfinishedSeconds: number; longestSeconds: number };

const probes = new WeakMap<Registry, Map<string, InFlightProbe>>();
// client-go buckets for both durations: 10 ns .. 1000 s.
const durationBuckets = exponentialBuckets(10e-9, 10, 12);

export const noopQueueMetrics: QueueMetrics = {
  add() {},
  depth() {},
  queueLatency() {},
  workDuration() {},
  retry() {},
  close() {},
};

export function queueMetrics(registry: Registry, name: string, probe: InFlightProbe): QueueMetrics {
  const labels = { name, controller: name };
  const labelNames = ['name', 'controller'] as const;
  let registered = probes.get(registry);
  if (!registered) {
    registered = new Map();
    probes.set(registry, registered);
  }
  const live = registered;
  live.set(name, probe);
  const inFlight = (pick: 'unfinishedSeconds' | 'longestSeconds') =>
    function (this: { set(l: typeof labels, v: number): void }) {
      for (const [queue, read] of live) this.set({ name: queue, controller: queue }, read()[pick]);
    };
  gauge(registry, {
    name: 'workqueue_unfinished_work_seconds',
    help: 'How many seconds of work has been done that is in progress and has not been observed by work_duration.',
    labelNames,
    collect: inFlight('unfinishedSeconds'),
  });
  gauge(registry, {
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames,
    collect: inFlight('longestSeconds'),
  });
  const depth = gauge(registry, { name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames });
  const adds = counter(registry, {
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames,
  });
  const retries = counter(registry, {
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames,
  });
  const latency = histogram(registry, {
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames,
    buckets: durationBuckets,
  });
  const work = histogram(registry, {
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes.',
    labelNames,
    buckets: durationBuckets,
  });
  depth.set(labels, 0);
  adds.inc(labels, 0);
  retries.inc(labels, 0);
  return {
    add: () => adds.inc(labels),
    depth: (n) => depth.set(labels, n),
    queueLatency: (s) => latency.observe(labels, s),
    workDuration: (s) => work.observe(labels, s),
    retry: () => retries.inc(labels),
    close: () => live.delete(name),
  };
}

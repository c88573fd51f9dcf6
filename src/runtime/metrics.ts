// Metric constructors that share one instance per name and registry, so two controllers (or two
// queues) in one process add label values to the same series family instead of failing to register twice.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

type Config<L extends string> = { name: string; help: string; labelNames: readonly L[] };

export function counter<L extends string>(registry: Registry, config: Config<L>): Counter<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter<L>({ ...config, registers: [registry] });
}

export function gauge<L extends string>(
  registry: Registry,
  config: Config<L> & { collect?: (this: Gauge<L>) => void | Promise<void> },
): Gauge<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Gauge) return existing as Gauge<L>;
  return new Gauge<L>({ ...config, registers: [registry] });
}

export function histogram<L extends string>(
  registry: Registry,
  config: Config<L> & { buckets: number[] },
): Histogram<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing instanceof Histogram) return existing as Histogram<L>;
  return new Histogram<L>({ ...config, registers: [registry] });
}

/** Prometheus' ExponentialBuckets(start, factor, count). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

/** A fresh registry with Node's process metrics (heap, event-loop lag, GC), as a manager exposes them. */
export function newMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

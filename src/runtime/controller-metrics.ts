// controller-runtime's controller metrics (pkg/internal/controller/metrics), same names, labels and buckets.
import type { Registry } from 'prom-client';
import { counter, gauge, histogram } from './metrics.ts';

export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface ControllerMetrics {
  reconciled(outcome: ReconcileOutcome, seconds: number): void;
  error(terminal: boolean): void;
  activeWorkers(delta: number): void;
}

const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** controller-runtime's metric names and their help text. */
const HELP = {
  controller_runtime_reconcile_total: 'Total number of reconciliations per controller',
  controller_runtime_reconcile_errors_total: 'Total number of reconciliation errors per controller',
  controller_runtime_terminal_reconcile_errors_total:
    'Total number of terminal reconciliation errors per controller',
  controller_runtime_reconcile_time_seconds: 'Length of time per reconciliation per controller',
  controller_runtime_active_workers: 'Number of currently used workers per controller',
  controller_runtime_max_concurrent_reconciles: 'Maximum number of concurrent reconciles per controller',
} as const;

/** The configuration of metric `name`, labelled by controller (and by `more` labels). */
function perController<L extends string>(name: keyof typeof HELP, ...more: L[]) {
  return { name, help: HELP[name], labelNames: ['controller' as const, ...more] };
}

export function controllerMetrics(
  registry: Registry,
  controller: string,
  maxConcurrent: number,
): ControllerMetrics {
  const labels = { controller };
  const total = counter(registry, perController('controller_runtime_reconcile_total', 'result'));
  const errors = counter(registry, perController('controller_runtime_reconcile_errors_total'));
  const terminal = counter(registry, perController('controller_runtime_terminal_reconcile_errors_total'));
  const time = histogram(registry, {
    ...perController('controller_runtime_reconcile_time_seconds'),
    buckets: reconcileBuckets,
  });
  const active = gauge(registry, perController('controller_runtime_active_workers'));
  const max = gauge(registry, perController('controller_runtime_max_concurrent_reconciles'));
  // Series exist from the start (at 0), as in controller-runtime, so rate() works before the first error.
  for (const result of ['success', 'error', 'requeue', 'requeue_after'] as const)
    total.inc({ controller, result }, 0);
  errors.inc(labels, 0);
  terminal.inc(labels, 0);
  active.set(labels, 0);
  max.set(labels, maxConcurrent);
  return {
    reconciled(outcome, seconds) {
      total.inc({ controller, result: outcome });
      time.observe(labels, seconds);
    },
    error(isTerminal) {
      errors.inc(labels);
      if (isTerminal) terminal.inc(labels);
    },
    activeWorkers(delta) {
      active.inc(labels, delta);
    },
  };
}

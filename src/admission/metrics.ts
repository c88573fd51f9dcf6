// controller-runtime's webhook metrics (pkg/webhook/internal/metrics), with the same names and labels, so
// the same dashboards and alerts work: `webhook` is the path, `code` the HTTP status written.
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counter, exponentialBuckets, gauge, histogram } from '../runtime/index.ts';

export interface WebhookMetrics {
  readonly requests: Counter<'webhook' | 'code'>;
  readonly latency: Histogram<'webhook'>;
  readonly inFlight: Gauge<'webhook'>;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  return {
    requests: counter(registry, {
      name: 'controller_runtime_webhook_requests_total',
      help: 'Total number of admission requests by HTTP status code.',
      labelNames: ['webhook', 'code'],
    }),
    latency: histogram(registry, {
      name: 'controller_runtime_webhook_latency_seconds',
      help: 'Histogram of the latency of processing admission requests',
      labelNames: ['webhook'],
      buckets: exponentialBuckets(0.001, 2, 15),
    }),
    inFlight: gauge(registry, {
      name: 'controller_runtime_webhook_requests_in_flight',
      help: 'Current number of admission requests being served.',
      labelNames: ['webhook'],
    }),
  };
}

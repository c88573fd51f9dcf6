// controller-runtime's webhook metrics (pkg/webhook/internal/metrics), with the same names and labels, so
// the same dashboards and alerts work: `webhook` is the path, `code` the HTTP status written.
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counter, exponentialBuckets, gauge, histogram } from '../runtime/index.ts';

export interface WebhookMetrics {
  readonly requests: Counter<'webhook' | 'code'>;
  readonly latency: Histogram<'webhook'>;
  readonly inFlight: Gauge<'webhook'>;
  /** Refused TLS handshakes; `reason` is one of HANDSHAKE_REJECTIONS (bounded, never a peer's value). */
  readonly handshakeRejections: Counter<'reason'>;
  /** Requests and connections refused by a server limit; `reason` is one of LIMIT_REJECTIONS. */
  readonly limitRejections: Counter<'reason'>;
  /** Open connections, TLS handshakes included. */
  readonly connections: Gauge;
}

export const HANDSHAKE_REJECTIONS = [
  'no_client_certificate',
  'client_certificate_not_trusted',
  'client_name_not_allowed',
  /** Past the handshake (whose trust store holds scoped callers' CAs too), refused for the path it called. */
  'not_allowed_on_path',
  'handshake_timeout',
  'other',
] as const;
export type HandshakeRejection = (typeof HANDSHAKE_REJECTIONS)[number];

/** Why a server limit refused a request or closed a connection (src/webhook/limits.ts). */
export const LIMIT_REJECTIONS = [
  'body_too_large',
  'body_budget_exhausted',
  'headers_too_large',
  'headers_timeout',
  'body_timeout',
  'bad_request',
  'too_many_in_flight',
  'too_many_connections',
  'idle_connection_closed',
] as const;
export type LimitRejection = (typeof LIMIT_REJECTIONS)[number];

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
    handshakeRejections: counter(registry, {
      name: 'milo_quota_webhook_tls_handshake_rejections_total',
      help: 'TLS handshakes the webhook server refused, by reason (no or untrusted client certificate, name not allowed, other).',
      labelNames: ['reason'],
    }),
    limitRejections: counter(registry, {
      name: 'milo_quota_webhook_limit_rejections_total',
      help: 'Requests refused and connections closed by a webhook server limit, by reason.',
      labelNames: ['reason'],
    }),
    connections: gauge(registry, {
      name: 'milo_quota_webhook_open_connections',
      help: 'Open connections to the webhook server, TLS handshakes included.',
      labelNames: [],
    }),
  };
}

// Quota metrics (SPEC §9): decisions by result, decision latency from the claim's first sighting to its
// decision write, and the engine's bucket figures as gauges. These are milo_quota_engine_bucket_*: the names
// milo_quota_bucket_{limit,allocated,available} belong to the resource-state families that kube-state-metrics
// serves from the AllowanceBucket status (config/prometheus, Milo's names and labels; docs/telemetry.md).
import type { Registry } from 'prom-client';
import { counter, exponentialBuckets, gauge, histogram } from '../../runtime/index.ts';

export interface QuotaMetrics {
  decision(result: 'granted' | 'denied', seconds: number | undefined): void;
  bucket(
    labels: { consumer_kind: string; consumer_name: string; resource_type: string },
    figures: { limit: number; allocated: number; available: number },
  ): void;
}

/** One gauge per bucket figure. */
const BUCKET_GAUGES = [
  {
    figure: 'limit',
    name: 'milo_quota_engine_bucket_limit',
    help: "The limit of the consumer's bucket for the resource type, as of the engine's last decision (ahead of the written AllowanceBucket status).",
  },
  {
    figure: 'allocated',
    name: 'milo_quota_engine_bucket_allocated',
    help: "The allocated amount of the consumer's bucket for the resource type, as of the engine's last decision.",
  },
  {
    figure: 'available',
    name: 'milo_quota_engine_bucket_available',
    help: "The available amount of the consumer's bucket for the resource type, as of the engine's last decision.",
  },
] as const;

export function quotaMetrics(registry: Registry): QuotaMetrics {
  const decisions = counter(registry, {
    name: 'milo_quota_claim_decisions_total',
    help: 'Claims decided by the quota engine, by result.',
    labelNames: ['result'] as const,
  });
  const latency = histogram(registry, {
    name: 'milo_quota_claim_decision_duration_seconds',
    help: 'Time from the operator first seeing a claim to writing its decision.',
    labelNames: ['result'] as const,
    buckets: exponentialBuckets(0.001, 2, 16),
  });
  const labelNames = ['consumer_kind', 'consumer_name', 'resource_type'] as const;
  const buckets = BUCKET_GAUGES.map(({ figure, name, help }) => ({
    figure,
    gauge: gauge(registry, { name, help, labelNames }),
  }));
  return {
    decision(result, seconds) {
      decisions.inc({ result });
      if (seconds !== undefined) latency.observe({ result }, seconds);
    },
    bucket(labels, figures) {
      for (const { figure, gauge } of buckets) gauge.set(labels, figures[figure]);
    },
  };
}

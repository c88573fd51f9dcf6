// The tracing SDK, wired only here: with --tracing-endpoint set, spans are batched and sent as OTLP/HTTP
// (JSON bodies: @opentelemetry/exporter-trace-otlp-http) to that URL; without it the
// operator's code gets no tracer at all and uses the API's no-op one (docs/observability.md, Tracing).
import type { TracerProvider as TracerProviderApi } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { TRACER_NAME, type Tracer } from '../runtime/index.ts';

export interface TracingSettings {
  /** OTLP/HTTP traces URL, e.g. http://otel-collector.observability:4318/v1/traces. */
  readonly endpoint: string;
  /** The share of traces started here that are sampled (0 to 1); a parent's sampled flag is followed. */
  readonly sampleRatio: number;
}

export interface OperatorTracing {
  /** Undefined: tracing is off (the no-op tracer everywhere). */
  readonly tracer: Tracer | undefined;
  /** Sends the spans still batched and stops the exporter (only a provider made here). */
  shutdown(): Promise<void>;
}

const OFF: OperatorTracing = { tracer: undefined, shutdown: async () => {} };

/**
 * The operator's tracer: from `provided` (tests: an in-memory exporter), else from the settings, else none.
 */
export function operatorTracing(
  settings: TracingSettings | undefined,
  provided: TracerProviderApi | undefined,
): OperatorTracing {
  if (provided !== undefined) return { tracer: provided.getTracer(TRACER_NAME), shutdown: OFF.shutdown };
  if (settings === undefined) return OFF;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': TRACER_NAME }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.endpoint }) })],
  });
  return {
    tracer: provider.getTracer(TRACER_NAME),
    shutdown: () => provider.shutdown().catch(() => {}),
  };
}

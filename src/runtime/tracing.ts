// Tracing on @opentelemetry/api alone (the SDK and its exporter are wired only by the operator: operator/
// tracing-sdk.ts). Off by default: the tracer is then the API's no-op one, whose spans record nothing, allocate no
// span data and carry an invalid span context, so nothing below writes an annotation or exports a span.
// Context is passed explicitly (a parent Context argument), not through a context manager: nothing here
// needs async_hooks, and a span's parent is visible at the call.
import {
  type Attributes,
  type Context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

export type { Context, Span, Tracer } from '@opentelemetry/api';
export { SpanKind } from '@opentelemetry/api';

/** The instrumentation scope of every span the operator makes. */
export const TRACER_NAME = 'milo-quota-operator';

/** A tracer that never records: a ProxyTracerProvider with no delegate is the API's no-op provider. */
export const NOOP_TRACER: Tracer = new ProxyTracerProvider().getTracer(TRACER_NAME);

/** The span `inSpan` hands out when there is no tracer: records nothing, its context is invalid. */
const OFF_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Span attribute keys shared by the webhook and the controller, so one query finds both ends. */
export const SPAN_ATTRIBUTES = {
  claimName: 'quota.claim.name',
  claimNamespace: 'quota.claim.namespace',
  consumer: 'quota.consumer',
  outcome: 'quota.outcome',
  resourceGroup: 'quota.trigger.group',
  resourceKind: 'quota.trigger.kind',
  resourceName: 'quota.trigger.name',
  policies: 'quota.policies',
} as const;

// W3C Trace Context, version 00: version-traceid-parentid-flags, lower-case hex.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** A span context as a W3C `traceparent` value; undefined for the no-op tracer's invalid context. */
export function formatTraceparent(span: SpanContext): string | undefined {
  if (!isSpanContextValid(span)) return undefined;
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/**
 * A `traceparent` value as a remote span context; undefined for anything that is not a well-formed version-00
 * value with non-zero ids (a tenant may write any text in an annotation: it is only ever a span parent).
 */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (value === undefined || value.length !== 55) return undefined;
  const match = TRACEPARENT.exec(value);
  if (match === null) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const context: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & 1,
    isRemote: true,
  };
  return isSpanContextValid(context) ? context : undefined;
}

/** The context whose parent is the span a `traceparent` names, or undefined when it names none. */
export function traceparentContext(value: string | undefined): Context | undefined {
  const parent = parseTraceparent(value);
  return parent === undefined ? undefined : trace.setSpanContext(ROOT_CONTEXT, parent);
}

/** `span` as the parent in a context, for the spans started under it. */
export function contextWith(span: Span, parent: Context = ROOT_CONTEXT): Context {
  return trace.setSpan(parent, span);
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** Default: a root span (ROOT_CONTEXT). */
  readonly parent?: Context | undefined;
  /** The span's start, when it began before this call (ms since the epoch). */
  readonly startTime?: number;
}

/**
 * Runs `fn` inside a span: the span ends when `fn` settles; a throw is recorded as an exception and an
 * error status, and rethrown. Without a tracer (tracing off) `fn` runs at once with a shared non-recording
 * span, and `options` is never called.
 */
export function inSpan<T>(
  tracer: Tracer | undefined,
  name: string,
  options: SpanOptions | (() => SpanOptions),
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (tracer === undefined) return fn(OFF_SPAN);
  return recorded(tracer, name, typeof options === 'function' ? options() : options, fn);
}

async function recorded<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = startSpan(tracer, name, options);
  try {
    return await fn(span);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

export function startSpan(tracer: Tracer, name: string, options: SpanOptions): Span {
  const { parent, kind, attributes, startTime } = options;
  return tracer.startSpan(
    name,
    {
      ...(kind !== undefined && { kind }),
      ...(attributes !== undefined && { attributes }),
      ...(startTime !== undefined && { startTime }),
    },
    parent ?? ROOT_CONTEXT,
  );
}

/** Marks a span failed by `error` (recorded as an exception event). */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

// The spans of a claim's path (docs/observability.md, Tracing): the enforcement webhook stamps the W3C
// traceparent of its claim-create span on the claim (ANNOTATION_TRACEPARENT); the consumer controller starts
// each decision span as a CHILD of it (not a link): the webhook request is blocked on exactly that decision,
// so it belongs on the request's critical path, in the same trace. A pass decides many claims at once; each
// decided claim that carries a traceparent gets its own decision span under its own parent, all starting at
// the pass's start, with the pass's size as an attribute (one pass span with N links would put the decision
// in no request's trace). The status write is a child of the decision.
// The annotation is only a span parent: a tenant who writes one on a claim of their own can make that claim's
// decision span join a trace of their choosing (or be sampled, as the W3C sampled flag asks), nothing else.
import { ANNOTATION_TRACEPARENT, type ResourceClaim } from '../api/index.ts';
import { claimKey, type Decision } from '../quota/index.ts';
import {
  type Context,
  contextWith,
  formatTraceparent,
  inSpan,
  NOOP_TRACER,
  objectKey,
  SPAN_ATTRIBUTES,
  type Span,
  SpanKind,
  startSpan,
  type Tracer,
  traceparentContext,
} from '../runtime/index.ts';
import { consumerKeyOf } from './indexes.ts';
import { asKubeObject } from './resources.ts';

/** The attributes every span about one claim carries. */
export function claimSpanAttributes(claim: ResourceClaim): Record<string, string> {
  return {
    [SPAN_ATTRIBUTES.claimNamespace]: claim.metadata.namespace ?? '',
    [SPAN_ATTRIBUTES.claimName]: claim.metadata.name ?? '',
    [SPAN_ATTRIBUTES.consumer]: consumerKeyOf(claim.spec.consumerRef) ?? '',
  };
}

/** The claim with its creating span's traceparent; unchanged when `span` records nothing (tracing off). */
export function withTraceparent(claim: ResourceClaim, span: Span): ResourceClaim {
  const traceparent = formatTraceparent(span.spanContext());
  if (traceparent === undefined) return claim;
  const annotations = { ...claim.metadata.annotations, [ANNOTATION_TRACEPARENT]: traceparent };
  return { ...claim, metadata: { ...claim.metadata, annotations } };
}

/** Claim key → the context of its decision span, for the status write. */
export type DecisionContexts = ReadonlyMap<string, Context>;

const NONE: DecisionContexts = new Map();

const outcomeOf = (decision: Decision) =>
  decision.kind === 'grant' ? 'granted' : decision.kind === 'deny' ? 'denied' : 'waiting';

/** The consumer controller's two spans: around a pass's decisions, and around each claim status write. */
export class DecisionTracing {
  readonly #tracer: Tracer | undefined;

  constructor(tracer: Tracer | undefined) {
    this.#tracer = tracer === NOOP_TRACER ? undefined : tracer;
  }

  /**
   * Runs a pass's `decide` and ends a decision span for each grant or denial of a claim (of `claims`) that
   * carries a traceparent; returns the decisions with their spans' contexts. Off: `decide()` and an empty map.
   */
  decide<R extends { readonly decisions: readonly Decision[] }>(
    claims: readonly ResourceClaim[],
    passStart: number,
    decide: () => R,
  ): { readonly round: R; readonly traces: DecisionContexts } {
    const round = decide();
    const tracer = this.#tracer;
    if (tracer === undefined) return { round, traces: NONE };
    const byKey = new Map(claims.map((c) => [objectKey(asKubeObject(c)), c]));
    const traces = new Map<string, Context>();
    for (const decision of round.decisions) {
      if (decision.kind === 'wait') continue;
      const key = claimKey(decision.claim);
      const claim = byKey.get(key);
      const parent = traceparentContext(claim?.metadata.annotations?.[ANNOTATION_TRACEPARENT]);
      if (claim === undefined || parent === undefined) continue;
      const span = startSpan(tracer, 'quota.decide', {
        parent,
        startTime: passStart,
        attributes: {
          ...claimSpanAttributes(claim),
          [SPAN_ATTRIBUTES.outcome]: outcomeOf(decision),
          'quota.pass.decisions': round.decisions.length,
          ...(decision.kind === 'deny' && { 'quota.reason': decision.reason }),
        },
      });
      span.end();
      traces.set(key, contextWith(span, parent));
    }
    return { round, traces };
  }

  /** Runs a claim's status write, inside a span under its decision span when it has one. */
  statusWrite<T>(
    traces: DecisionContexts | undefined,
    key: string,
    claim: ResourceClaim,
    write: () => Promise<T>,
  ): Promise<T> {
    const parent = traces?.get(key);
    if (parent === undefined) return write();
    const attributes = claimSpanAttributes(claim);
    return inSpan(
      this.#tracer,
      'quota.claim.status-write',
      { kind: SpanKind.CLIENT, parent, attributes },
      write,
    );
  }
}

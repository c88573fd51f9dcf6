// The span helpers with an in-memory exporter: the traceparent round trip, the no-op tracer (off: nothing
// recorded, nothing annotated), and the decision and status-write spans' parents and attributes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ANNOTATION_TRACEPARENT, type ResourceClaim } from '../api/index.ts';
import { makeClaim } from '../api/testing.ts';
import type { Decision } from '../quota/index.ts';
import { waitFor } from '../quota/test-builders.ts';
import {
  formatTraceparent,
  inSpan,
  NOOP_TRACER,
  parseTraceparent,
  SPAN_ATTRIBUTES,
  TRACER_NAME,
} from '../runtime/index.ts';
import { DecisionTracing, withTraceparent } from './claim-tracing.ts';

function recording() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, tracer: provider.getTracer(TRACER_NAME) };
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function claimNamed(name: string, traceparent?: string): ResourceClaim {
  const claim = makeClaim();
  return {
    ...claim,
    metadata: {
      ...claim.metadata,
      name,
      uid: `uid-${name}`,
      ...(traceparent !== undefined && { annotations: { [ANNOTATION_TRACEPARENT]: traceparent } }),
    },
  };
}

const ref = (c: ResourceClaim) => ({
  namespace: c.metadata.namespace ?? '',
  name: c.metadata.name ?? '',
  uid: c.metadata.uid ?? '',
});

describe('traceparent', () => {
  it('formats and parses W3C version 00', () => {
    const value = `00-${TRACE}-${SPAN}-01`;
    const parsed = parseTraceparent(value);
    assert.deepEqual(parsed, { traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    assert.equal(parsed && formatTraceparent(parsed), value);
    assert.equal(parseTraceparent(`00-${TRACE}-${SPAN}-00`)?.traceFlags, 0);
  });

  it('refuses anything else: it is tenant-writable text', () => {
    for (const bad of [
      undefined,
      '',
      `01-${TRACE}-${SPAN}-01`, // unknown version
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${'0'.repeat(32)}-${SPAN}-01`, // zero trace id
      `00-${TRACE}-${'0'.repeat(16)}-01`, // zero span id
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE}-${SPAN}-1`,
      'x'.repeat(55),
    ]) {
      assert.equal(parseTraceparent(bad), undefined, String(bad));
    }
  });
});

describe('tracing off (the no-op tracer)', () => {
  it('records nothing and leaves the claim without an annotation', async () => {
    const claim = claimNamed('a');
    const same = await inSpan(NOOP_TRACER, 'quota.claim.create', {}, async (span) => {
      assert.equal(span.isRecording(), false);
      return withTraceparent(claim, span);
    });
    assert.equal(same, claim);
  });

  it('without a tracer (the operator with tracing off) the span is a shared non-recording one', async () => {
    const claim = claimNamed('a');
    let built = false;
    const same = await inSpan(
      undefined,
      'quota.claim.create',
      () => {
        built = true;
        return {};
      },
      async (span) => {
        assert.equal(span.isRecording(), false);
        return withTraceparent(claim, span);
      },
    );
    assert.equal(same, claim);
    assert.equal(built, false, 'no span options are built');
  });

  it('DecisionTracing without a tracer returns no contexts and runs the write bare', async () => {
    const off = new DecisionTracing(undefined);
    const claim = claimNamed('a', `00-${TRACE}-${SPAN}-01`);
    const decisions: Decision[] = [{ kind: 'grant', claim: ref(claim), allocations: [] }];
    let calls = 0;
    const { round, traces } = off.decide([claim], Date.now(), () => {
      calls += 1;
      return { decisions };
    });
    assert.equal(calls, 1);
    assert.equal(round.decisions, decisions);
    assert.equal(traces.size, 0);
    assert.equal(await off.statusWrite(traces, 'quota-system/a', claim, async () => 7), 7);
  });
});

describe('tracing on', () => {
  it('stamps the create span as the claim traceparent', async () => {
    const { exporter, tracer } = recording();
    const annotated = await inSpan(tracer, 'quota.claim.create', {}, async (span) =>
      withTraceparent(claimNamed('a'), span),
    );
    const [create] = exporter.getFinishedSpans();
    const value = annotated.metadata.annotations?.[ANNOTATION_TRACEPARENT];
    assert.equal(value, `00-${create?.spanContext().traceId}-${create?.spanContext().spanId}-01`);
  });

  it('a decided claim with a traceparent gets a decision span under it, and its write under that', async () => {
    const { exporter, tracer } = recording();
    const tracing = new DecisionTracing(tracer);
    const traced = claimNamed('traced', `00-${TRACE}-${SPAN}-01`);
    const denied = claimNamed('denied', `00-${TRACE}-${SPAN}-01`);
    const bare = claimNamed('bare');
    const waiting = claimNamed('waiting', `00-${TRACE}-${SPAN}-01`);
    const decisions: Decision[] = [
      { kind: 'grant', claim: ref(traced), allocations: [] },
      { kind: 'deny', claim: ref(denied), reason: 'QuotaExceeded', reasons: [], allocations: [] },
      { kind: 'grant', claim: ref(bare), allocations: [] },
      waitFor(ref(waiting)),
    ];
    const passStart = Date.now() - 5;
    const { traces } = tracing.decide([traced, denied, bare, waiting], passStart, () => ({ decisions }));
    assert.deepEqual([...traces.keys()].sort(), ['quota-system/denied', 'quota-system/traced']);
    await tracing.statusWrite(traces, 'quota-system/traced', traced, async () => 'ok');
    await tracing.statusWrite(traces, 'quota-system/bare', bare, async () => 'ok');
    await assert.rejects(
      tracing.statusWrite(traces, 'quota-system/denied', denied, async () => {
        throw new Error('409 Conflict');
      }),
      /409/,
    );

    const spans = exporter.getFinishedSpans();
    const decide = spans.filter((s) => s.name === 'quota.decide');
    const writes = spans.filter((s) => s.name === 'quota.claim.status-write');
    assert.equal(decide.length, 2);
    assert.equal(writes.length, 2, 'the bare claim has no trace to join');
    for (const span of decide) {
      assert.equal(span.spanContext().traceId, TRACE);
      assert.equal(span.parentSpanContext?.spanId, SPAN);
      assert.equal(span.attributes['quota.pass.decisions'], 4);
      assert.equal(span.startTime[0], Math.floor(passStart / 1000));
    }
    const grant = decide.find((s) => s.attributes[SPAN_ATTRIBUTES.claimName] === 'traced');
    assert.equal(grant?.attributes[SPAN_ATTRIBUTES.outcome], 'granted');
    assert.equal(
      grant?.attributes[SPAN_ATTRIBUTES.consumer],
      'resourcemanager.miloapis.com/Organization//acme',
    );
    const deny = decide.find((s) => s.attributes[SPAN_ATTRIBUTES.claimName] === 'denied');
    assert.equal(deny?.attributes[SPAN_ATTRIBUTES.outcome], 'denied');
    assert.equal(deny?.attributes['quota.reason'], 'QuotaExceeded');
    const write = writes.find((s) => s.attributes[SPAN_ATTRIBUTES.claimName] === 'traced');
    assert.equal(write?.parentSpanContext?.spanId, grant?.spanContext().spanId);
    const failed = writes.find((s) => s.attributes[SPAN_ATTRIBUTES.claimName] === 'denied');
    assert.equal(failed?.parentSpanContext?.spanId, deny?.spanContext().spanId);
    assert.equal(failed?.status.code, 2); // ERROR
    assert.equal(failed?.events[0]?.name, 'exception');
  });

  it('a claim whose annotation is not a traceparent starts no span', () => {
    const { exporter, tracer } = recording();
    const junk = claimNamed('junk', 'not-a-traceparent');
    const { traces } = new DecisionTracing(tracer).decide([junk], Date.now(), () => ({
      decisions: [{ kind: 'grant', claim: ref(junk), allocations: [] }] as Decision[],
    }));
    assert.equal(traces.size, 0);
    assert.equal(exporter.getFinishedSpans().length, 0);
  });
});

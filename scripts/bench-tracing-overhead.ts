// What the tracing code costs an enforced create, in-process and without the network: the four helper calls
// the create path makes (claim-create and wait spans, the decision and status-write helpers) with tracing off
// (no tracer: what the operator runs by default) and on (an in-memory exporter), against the same awaits with
// no tracing code. Run: node scripts/bench-tracing-overhead.ts. Figures in docs/observability.md (Tracing).
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { makeClaim } from '../src/api/testing.ts';
import { claimSpanAttributes, DecisionTracing, withTraceparent } from '../src/cache/index.ts';
import { inSpan, type Tracer } from '../src/runtime/index.ts';

const claim = makeClaim();
const N = 200_000;
const work = async () => claim;
// what an enforced create adds: the create and wait spans (enforced-claim.ts), the decision helper and the
// status-write helper (consumer-controller.ts)
async function traced(tracer: Tracer | undefined, tracing: DecisionTracing) {
  const spanOf = () => ({ attributes: claimSpanAttributes(claim) });
  await inSpan(tracer, 'quota.claim.create', spanOf, async (span) => withTraceparent(claim, span));
  const { traces } = tracing.decide([claim], Date.now(), () => ({ decisions: [] }));
  await tracing.statusWrite(traces, 'k', claim, work);
  await inSpan(tracer, 'quota.claim.wait', spanOf, work);
}
async function bare() {
  await work();
  await work();
  await work();
}
async function time(label: string, f: () => Promise<void>) {
  for (let i = 0; i < 20_000; i++) await f();
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await f();
  const ns = Number(process.hrtime.bigint() - t) / N;
  console.log(`${label}: ${ns.toFixed(0)} ns per enforced create`);
  return ns;
}
const off = new DecisionTracing(undefined);
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const on = new DecisionTracing(provider.getTracer('x'));
for (let round = 0; round < 3; round++) {
  const b = await time('no tracing code', bare);
  const o = await time('tracing off (no tracer)', () => traced(undefined, off));
  console.log(`  off adds ${(o - b).toFixed(0)} ns`);
  await time('tracing on (in-memory exporter, 2 of 4 spans: no traceparent on the bench claim)', async () => {
    await traced(provider.getTracer('x'), on);
    exporter.reset();
  });
}

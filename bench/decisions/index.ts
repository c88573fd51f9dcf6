// Claim decisions (SPEC §11): created → Granted visible, measured from the client side, for a burst and a
// steady 200 claims/s, on one bucket and on 1,000 buckets (1,000 consumers). The baseline runs first, in the
// same control plane, with the operator not running: the benchmark creates each claim and writes its status
// itself, so the apiserver's own cost of "one create + one status write" is measured under the same load.

import { RESOURCES } from '../../src/controllers/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { createClient, type KubeClient, kubeRequest, resourcePath } from '../../src/runtime/index.ts';
import {
  type Bench,
  type BenchContext,
  type BenchResult,
  createNamespaces,
  startQuotaPlane,
} from '../lib/bench.ts';
import { cpuMeter } from '../lib/cpu.ts';
import { spawnOperator } from '../lib/operator.ts';
import type { Row } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { measureRun, type RunResult, type RunSpec, type Shape } from './measure.ts';
import {
  createGrants,
  createRegistration,
  MANY_CONSUMERS,
  RESOURCE_TYPE,
  waitForOperatorIdle,
} from './setup.ts';

const TARGET = { source: 'SPEC §11' } as const;

interface Scenario {
  readonly name: string;
  readonly shape: Shape;
  readonly consumerOf: (i: number) => string;
}

function scenarios(ctx: BenchContext): Scenario[] {
  const count = ctx.scale === 'full' ? 1000 : 300;
  const steadySeconds = ctx.scale === 'full' ? 10 : 4;
  const burstShape: Shape = { kind: 'burst', count, concurrency: 50 };
  const steadyShape: Shape = { kind: 'steady', count: 200 * steadySeconds, rate: 200 };
  const many = (i: number) => `many-${i % MANY_CONSUMERS}`;
  return [
    { name: 'burst, 1 bucket', shape: burstShape, consumerOf: () => 'one-burst' },
    { name: 'steady 200/s, 1 bucket', shape: steadyShape, consumerOf: () => 'one-steady' },
    { name: `burst, ${MANY_CONSUMERS} buckets`, shape: burstShape, consumerOf: many },
    { name: `steady 200/s, ${MANY_CONSUMERS} buckets`, shape: steadyShape, consumerOf: many },
  ];
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function latencyRows(
  scenario: string,
  r: RunResult,
  baseline: RunResult | undefined,
  steadyRun: boolean,
): Row[] {
  const rows: Row[] = [
    {
      bench: 'decisions',
      scenario,
      metric: 'p50 created→Granted',
      value: round(r.latencyMs.p50),
      unit: 'ms',
      ...(steadyRun ? { target: { ...TARGET, op: '<=', value: 20 } } : {}),
    },
    {
      bench: 'decisions',
      scenario,
      metric: 'p95 created→Granted',
      value: round(r.latencyMs.p95),
      unit: 'ms',
    },
    {
      bench: 'decisions',
      scenario,
      metric: 'p99 created→Granted',
      value: round(r.latencyMs.p99),
      unit: 'ms',
      ...(steadyRun ? { target: { ...TARGET, op: '<=', value: 250 } } : {}),
    },
    { bench: 'decisions', scenario, metric: 'throughput', value: round(r.throughput), unit: 'claims/s' },
  ];
  if (baseline) {
    rows.push({
      bench: 'decisions',
      scenario,
      metric: 'baseline throughput ÷ operator throughput',
      value: round(baseline.throughput / r.throughput, 2),
      unit: '×',
      ...(steadyRun ? {} : { target: { ...TARGET, op: '<=', value: 2 } }),
      note: `baseline ${round(baseline.throughput)} claims/s, p50 ${round(baseline.latencyMs.p50)} ms, p99 ${round(baseline.latencyMs.p99)} ms`,
    });
  }
  return rows;
}

async function deleteClaims(client: KubeClient, namespace: string): Promise<void> {
  await kubeRequest(client.kubeConfig, {
    method: 'DELETE',
    path: resourcePath(RESOURCES.claims, namespace),
    timeoutMs: 120_000,
  });
}

async function runAll(plane: ControlPlane, ctx: BenchContext): Promise<BenchResult> {
  const kc = plane.kubeConfig;
  const client = createClient(kc);
  const list = scenarios(ctx);
  const namespaces = list.flatMap((s) => [`base-${slug(s.name)}`, `op-${slug(s.name)}`]);
  await createNamespaces(client, namespaces);
  await createRegistration(client);
  ctx.log(`creating grants for ${MANY_CONSUMERS + 2} consumers`);
  await createGrants(client, ['one-burst', 'one-steady'], 1_000_000);
  await createGrants(
    client,
    Array.from({ length: MANY_CONSUMERS }, (_, i) => `many-${i}`),
    100_000,
  );
  const spec = (s: Scenario, baseline: boolean): RunSpec => ({
    namespace: `${baseline ? 'base' : 'op'}-${slug(s.name)}`,
    shape: s.shape,
    consumerOf: s.consumerOf,
    resourceType: RESOURCE_TYPE,
    writeStatus: baseline,
    timeoutMs: 180_000,
  });
  const details: Record<string, unknown> = {};
  const baselines = new Map<string, RunResult>();
  for (const s of list) {
    ctx.log(`baseline (no operator): ${s.name}`);
    const cpu = cpuMeter(plane);
    const result = await measureRun(kc, spec(s, true));
    baselines.set(s.name, result);
    details[`baseline: ${s.name}`] = { ...result, cpuSeconds: cpu() };
  }
  // The baseline claims go before the operator starts: they were a measurement, not quota use, and
  // deciding 1,000 consumers' worth of foreign claims at start-up is the scale benchmark's job.
  for (const s of list) await deleteClaims(client, spec(s, true).namespace);
  const operator = await spawnOperator(plane);
  try {
    const readyMs = await operator.waitReady();
    await waitForOperatorIdle(client, operator, MANY_CONSUMERS + 2, ctx.log);
    ctx.log(`operator ready in ${round(readyMs)} ms; grants Active, buckets created`);
    const rows: Row[] = [];
    for (const s of list) {
      ctx.log(`operator: ${s.name}`);
      const cpu = cpuMeter(plane, operator.pid);
      const result = await measureRun(kc, spec(s, false));
      details[`operator: ${s.name}`] = { ...result, cpuSeconds: cpu() };
      if (result.granted !== s.shape.count) {
        throw new Error(`${s.name}: ${result.granted} of ${s.shape.count} claims granted (room was ample)`);
      }
      rows.push(...latencyRows(s.name, result, baselines.get(s.name), s.shape.kind === 'steady'));
    }
    return { rows, details };
  } finally {
    await operator.stop();
  }
}

export const decisionsBench: Bench = {
  name: 'decisions',
  description:
    'claim created → Granted visible: burst and 200/s, 1 and 1,000 buckets, vs an apiserver-only baseline',
  async run(ctx) {
    const plane = await startQuotaPlane();
    try {
      return await runAll(plane, ctx);
    } finally {
      await plane.stop();
    }
  },
};

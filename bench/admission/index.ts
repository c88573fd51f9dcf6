// Admission overhead (SPEC §11): an enforced create against the same kind without policy and against
// Kubernetes' built-in ResourceQuota (`count/configmaps`), side by side on one apiserver: the two baselines
// first, then the operator with its webhooks and a ClaimCreationPolicy on ConfigMaps (see enforced.ts).
import type { ControlPlane } from '../../src/envtest/index.ts';
import { createClient, type KubeClient, type ResourceRef } from '../../src/runtime/index.ts';
import {
  type Bench,
  type BenchContext,
  type BenchResult,
  createNamespaces,
  startQuotaPlane,
} from '../lib/bench.ts';
import { cpuMeter } from '../lib/cpu.ts';
import type { Row } from '../lib/report.ts';
import { round } from '../lib/stats.ts';
import { measureEnforced } from './enforced.ts';
import { CONFIGMAPS, type CreateFigures, measureCreates } from './measure.ts';

const QUOTAS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'resourcequotas',
  namespaced: true,
  kind: 'ResourceQuota',
};

/** A ResourceQuota on count/configmaps; admission refuses creates until the controller has filled status. */
async function createResourceQuota(client: KubeClient, namespace: string): Promise<void> {
  await client.create(QUOTAS, {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'configmaps', namespace },
    spec: { hard: { 'count/configmaps': '1000000' } },
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const quota = await client.get<{ status?: { hard?: Record<string, string> } }>(
      QUOTAS,
      namespace,
      'configmaps',
    );
    if (quota.status?.hard?.['count/configmaps'] !== undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the ResourceQuota controller did not fill the quota status within 60 s');
}

function rows(scenario: string, f: CreateFigures): Row[] {
  return [
    {
      bench: 'admission',
      scenario,
      metric: 'p50 create (sequential)',
      value: round(f.sequentialMs.p50),
      unit: 'ms',
    },
    {
      bench: 'admission',
      scenario,
      metric: 'p99 create (sequential)',
      value: round(f.sequentialMs.p99),
      unit: 'ms',
    },
    { bench: 'admission', scenario, metric: 'p99 create (burst)', value: round(f.burstMs.p99), unit: 'ms' },
    {
      bench: 'admission',
      scenario,
      metric: 'throughput (burst)',
      value: round(f.burstThroughput),
      unit: 'creates/s',
    },
  ];
}

async function runAll(plane: ControlPlane, ctx: BenchContext): Promise<BenchResult> {
  const client = createClient(plane.kubeConfig);
  const counts =
    ctx.scale === 'full'
      ? { sequential: 500, burst: 2000, concurrency: 50 }
      : { sequential: 100, burst: 300, concurrency: 20 };
  await createNamespaces(client, ['plain', 'resourcequota']);
  await createResourceQuota(client, 'resourcequota');
  ctx.log('ConfigMaps without any quota');
  let cpu = cpuMeter(plane);
  const plain = await measureCreates(client, CONFIGMAPS, 'plain', counts);
  const plainCpu = cpu();
  ctx.log('ConfigMaps under a ResourceQuota (count/configmaps)');
  cpu = cpuMeter(plane);
  const quota = await measureCreates(client, CONFIGMAPS, 'resourcequota', counts);
  const quotaCpu = cpu();
  const enforced = await measureEnforced(plane, counts, ctx.log);
  const target = (op: '<=', value: number) => ({ op, value, source: 'SPEC §11' });
  const out = [...rows('ConfigMap, no policy', plain), ...rows('ConfigMap, ResourceQuota', quota)];
  const scenario = 'ConfigMap, enforced (ClaimCreationPolicy)';
  const f = enforced.measured ? enforced.figures : undefined;
  const note = enforced.measured ? undefined : enforced.reason;
  if (note) console.log(`admission: ${note}`);
  const targeted: [string, number | undefined, string, number][] = [
    ['p50 create (sequential)', f?.sequentialMs.p50, 'ms', 30],
    ['p99 create (sequential)', f?.sequentialMs.p99, 'ms', 300],
    ['p50 ÷ ResourceQuota p50', f && f.sequentialMs.p50 / quota.sequentialMs.p50, '×', 3],
    ['p99 ÷ ResourceQuota p99', f && f.sequentialMs.p99 / quota.sequentialMs.p99, '×', 3],
  ];
  for (const [metric, value, unit, limit] of targeted) {
    out.push({
      bench: 'admission',
      scenario,
      metric,
      value: value === undefined ? undefined : round(value, unit === '×' ? 2 : 1),
      unit,
      target: target('<=', limit),
      ...(note ? { note } : {}),
    });
  }
  if (f) out.push(...rows(scenario, f).filter((r) => r.metric.includes('burst')));
  return {
    rows: out,
    details: {
      plain: { ...plain, cpuSeconds: plainCpu },
      resourceQuota: { ...quota, cpuSeconds: quotaCpu },
      enforced,
    },
  };
}

export const admissionBench: Bench = {
  name: 'admission',
  description: 'ConfigMap create: enforced by a ClaimCreationPolicy vs no policy vs built-in ResourceQuota',
  async run(ctx) {
    const plane = await startQuotaPlane({ controllerManager: true });
    try {
      return await runAll(plane, ctx);
    } finally {
      await plane.stop();
    }
  },
};

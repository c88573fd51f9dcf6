// Admission overhead (SPEC §11): an enforced create against the same kind without policy and against
// Kubernetes' built-in ResourceQuota (`count/configmaps`), side by side on one apiserver. The two baselines
// are measured now; the enforced create waits for the enforcement webhook (see enforced.ts).
import type { ControlPlane } from '../../src/envtest/index.ts';
import { createClient, type KubeClient, type ResourceRef } from '../../src/runtime/index.ts';
import {
  type Bench,
  type BenchContext,
  type BenchResult,
  createNamespaces,
  startQuotaPlane,
} from '../lib/bench.ts';
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
  const plain = await measureCreates(client, CONFIGMAPS, 'plain', counts);
  ctx.log('ConfigMaps under a ResourceQuota (count/configmaps)');
  const quota = await measureCreates(client, CONFIGMAPS, 'resourcequota', counts);
  const enforced = await measureEnforced(plane);
  const target = (op: '<=', value: number) => ({ op, value, source: 'SPEC §11' });
  const out = [...rows('ConfigMap, no policy', plain), ...rows('ConfigMap, ResourceQuota', quota)];
  if (enforced.measured) {
    const f = enforced.figures;
    out.push(
      {
        bench: 'admission',
        scenario: 'enforced create',
        metric: 'p50 create (sequential)',
        value: round(f.sequentialMs.p50),
        unit: 'ms',
        target: target('<=', 30),
      },
      {
        bench: 'admission',
        scenario: 'enforced create',
        metric: 'p99 create (sequential)',
        value: round(f.sequentialMs.p99),
        unit: 'ms',
        target: target('<=', 300),
      },
      {
        bench: 'admission',
        scenario: 'enforced create',
        metric: 'p50 ÷ ResourceQuota p50',
        value: round(f.sequentialMs.p50 / quota.sequentialMs.p50, 2),
        unit: '×',
        target: target('<=', 3),
      },
    );
  } else {
    console.log(`admission: ${enforced.reason}`);
    for (const [metric, value, unit] of [
      ['p50 create (sequential)', 30, 'ms'],
      ['p99 create (sequential)', 300, 'ms'],
      ['p50 ÷ ResourceQuota p50', 3, '×'],
    ] as const) {
      out.push({
        bench: 'admission',
        scenario: 'enforced create',
        metric,
        value: undefined,
        unit,
        target: target('<=', value),
        note: enforced.reason,
      });
    }
  }
  return { rows: out, details: { plain, resourceQuota: quota, enforced } };
}

export const admissionBench: Bench = {
  name: 'admission',
  description:
    'enforced create vs no policy vs built-in ResourceQuota (enforced side: TODO, webhook missing)',
  async run(ctx) {
    const plane = await startQuotaPlane({ controllerManager: true });
    try {
      return await runAll(plane, ctx);
    } finally {
      await plane.stop();
    }
  },
};

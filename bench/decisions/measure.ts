// One measured run: create claims (a burst, or a steady rate) and time each from the start of its create
// request to the watch event that shows it decided. With `writeStatus`, the benchmark writes the Granted
// status itself right after the create (the baseline: the apiserver's cost of one create plus one status
// write per claim, no decision logic); otherwise the operator decides.
import type { KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, CONDITION_GRANTED, type ResourceClaim, toRFC3339 } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/cache/index.ts';
import { createClient } from '../../src/runtime/index.ts';
import { ClaimWatch } from '../lib/claim-watch.ts';
import { burst, steady } from '../lib/pool.ts';
import { type LatencySummary, summarize } from '../lib/stats.ts';

export type Shape =
  | { kind: 'burst'; count: number; concurrency: number }
  | { kind: 'steady'; count: number; rate: number };

export interface RunSpec {
  readonly namespace: string;
  readonly shape: Shape;
  /** Consumer name for claim i (one name = one bucket). */
  readonly consumerOf: (i: number) => string;
  readonly resourceType: string;
  /** Baseline: write the status ourselves, no operator. */
  readonly writeStatus: boolean;
  readonly timeoutMs: number;
}

export interface RunResult {
  readonly latencyMs: LatencySummary;
  /** Claims decided per second, from the first create request to the last decision seen. */
  readonly throughput: number;
  /** Rate at which creates were issued (steady runs). */
  readonly issuedRate: number | undefined;
  readonly granted: number;
  readonly denied: number;
  readonly wallSeconds: number;
  /** Steady runs: how fast the undecided claims (create started, decision not yet seen) piled up while
   * creates were being issued, in claims/s (least-squares slope of samples every 100 ms, the first second
   * left out as warm-up). About 0 when the decider keeps up; the shortfall in claims/s when it does not. */
  readonly backlogGrowth: number | undefined;
  /** Undecided claims at the end of issuing, and the most seen at any sample. */
  readonly backlogAtEnd: number | undefined;
  readonly backlogMax: number | undefined;
  /** Times the apiserver ended the benchmark's claim watch and it was resumed (0 normally). */
  readonly watchReopened: number;
}

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

const claimFor = (spec: RunSpec, i: number): ResourceClaim => ({
  apiVersion: API_VERSION,
  kind: 'ResourceClaim',
  metadata: { name: `claim-${i}`, namespace: spec.namespace },
  spec: {
    consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: spec.consumerOf(i) },
    requests: [{ resourceType: spec.resourceType, amount: 1 }],
  },
});

/** The status a decider would write for a granted one-request claim. */
function grantedStatus(claim: ResourceClaim, now: Date) {
  const stamp = toRFC3339(now);
  const request = claim.spec.requests[0];
  return {
    observedGeneration: claim.metadata.generation ?? 1,
    conditions: [
      {
        type: CONDITION_GRANTED,
        status: 'True',
        reason: 'QuotaAvailable',
        message: 'baseline: written by the benchmark',
        lastTransitionTime: stamp,
        observedGeneration: claim.metadata.generation ?? 1,
      },
    ],
    allocations: [
      {
        resourceType: request?.resourceType ?? '',
        status: 'Granted',
        allocatedAmount: request?.amount ?? 0,
        lastTransitionTime: stamp,
      },
    ],
  };
}

export async function measureRun(kc: KubeConfig, spec: RunSpec): Promise<RunResult> {
  const client = createClient(kc);
  const watch = await ClaimWatch.open(kc, spec.namespace);
  const startedAt = new Map<string, number>();
  const one = async (i: number) => {
    const claim = claimFor(spec, i);
    startedAt.set(claim.metadata.name ?? '', performance.now());
    const created = await client.create(RESOURCES.claims, claim);
    if (spec.writeStatus) {
      await client.patch(
        RESOURCES.claims,
        spec.namespace,
        claim.metadata.name ?? '',
        'merge',
        { status: grantedStatus(created, new Date()) },
        { subresource: 'status' },
      );
    }
  };
  const first = performance.now();
  let issuedRate: number | undefined;
  // [seconds since the first create, undecided claims], while creates are being issued (steady runs)
  const backlog: [number, number][] = [];
  let issuing = spec.shape.kind === 'steady';
  const sampler = setInterval(() => {
    if (issuing) backlog.push([(performance.now() - first) / 1000, startedAt.size - watch.decidedAt.size]);
  }, 100);
  try {
    if (spec.shape.kind === 'burst') await burst(spec.shape.count, spec.shape.concurrency, one);
    else
      issuedRate = await steady(spec.shape.count, spec.shape.rate, one, () => {
        issuing = false;
      });
    await watch.waitFor(spec.shape.count, spec.timeoutMs);
  } finally {
    clearInterval(sampler);
    await watch.close();
  }
  const steadyState = backlog.filter(([t]) => t >= 1);
  const latencies = [...watch.decidedAt].map(([name, at]) => at - (startedAt.get(name) ?? at));
  const last = Math.max(...watch.decidedAt.values());
  const outcomes = [...watch.outcomes.values()];
  return {
    latencyMs: summarize(latencies),
    throughput: spec.shape.count / ((last - first) / 1000),
    issuedRate,
    granted: outcomes.filter((o) => o === 'granted').length,
    denied: outcomes.filter((o) => o === 'denied').length,
    wallSeconds: (last - first) / 1000,
    watchReopened: watch.reopened,
    backlogGrowth: spec.shape.kind === 'steady' ? slope(steadyState) : undefined,
    backlogAtEnd: spec.shape.kind === 'steady' ? (backlog.at(-1)?.[1] ?? 0) : undefined,
    backlogMax: spec.shape.kind === 'steady' ? Math.max(0, ...backlog.map(([, n]) => n)) : undefined,
  };
}

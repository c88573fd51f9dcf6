// One measured run: create claims (a burst, or a steady rate) and time each from the start of its create
// request to the watch event that shows it decided. With `writeStatus`, the benchmark writes the Granted
// status itself right after the create (the baseline: the apiserver's cost of one create plus one status
// write per claim, no decision logic); otherwise the operator decides.
import type { KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, CONDITION_GRANTED, type ResourceClaim, toRFC3339 } from '../../src/api/index.ts';
import { RESOURCES } from '../../src/controllers/index.ts';
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
  try {
    if (spec.shape.kind === 'burst') await burst(spec.shape.count, spec.shape.concurrency, one);
    else issuedRate = await steady(spec.shape.count, spec.shape.rate, one);
    await watch.waitFor(spec.shape.count, spec.timeoutMs);
  } finally {
    await watch.close();
  }
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
  };
}

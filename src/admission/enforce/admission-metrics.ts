// Milo's admission metrics (SPEC §9): results by policy and kind, and how long creates waited for decisions.
import type { Registry } from 'prom-client';
import { counter, exponentialBuckets, histogram } from '../../runtime/index.ts';

/** Milo's outcomes (3de48987) where they differ from a denial: `conflict`, `policy_misconfigured`. */
export type AdmissionResult =
  | 'granted'
  | 'denied'
  | 'timeout'
  | 'conflict'
  | 'policy_misconfigured'
  | 'error';

export function admissionMetrics(registry: Registry) {
  const results = counter(registry, {
    name: 'milo_quota_admission_result_total',
    help: 'Enforced creates by result, policy, policy namespace and kind.',
    // Milo's label names (pkg/quota/admission/plugin.go, 862dc4d); policy_namespace is always "" here, as
    // in Milo: ClaimCreationPolicies are cluster-scoped
    labelNames: ['result', 'policy_name', 'policy_namespace', 'resource_group', 'resource_kind'] as const,
  });
  const waits = histogram(registry, {
    name: 'milo_quota_admission_wait_duration_seconds',
    help: 'Time an enforced create waited for its claims to be decided.',
    labelNames: ['result'] as const,
    buckets: exponentialBuckets(0.001, 2, 15),
  });
  return {
    result(result: AdmissionResult, policy: string, kind: { resource_group: string; resource_kind: string }) {
      results.inc({ result, policy_name: policy, policy_namespace: '', ...kind });
    },
    wait(result: AdmissionResult, seconds: number) {
      waits.observe({ result }, seconds);
    },
  };
}

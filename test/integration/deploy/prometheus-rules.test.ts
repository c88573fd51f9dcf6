// The recording rules and alerts (config/prometheus/rules): promtool checks them and runs their unit tests
// (rules.test.yaml), a broken rule fails those tests, the PrometheusRule is generated from the rule file, and
// every metric the rules read is one that exists: a kube-state-metrics family of
// config/prometheus/kube_state_metrics_config.yaml, a family on the running operator's /metrics, or another
// rule's output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import { renderPrometheusRule } from '../../../scripts/gen-prometheus-rule.ts';
import { useControlPlane } from '../../support/cluster.ts';
import { REPO, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';
import { metricNames, promtool } from '../../support/promtool.ts';
import { kustomize } from './support.ts';

const RULES_DIR = repoPath('config/prometheus/rules');
const RULES_SOURCE = readFileSync(join(RULES_DIR, 'quota.rules.yaml'), 'utf8');

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const groups = (load(RULES_SOURCE) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules);

/** The families kube-state-metrics serves with our config: metricNamePrefix + "_" + name. */
function kubeStateMetricsFamilies(): Set<string> {
  const config = load(readFileSync(repoPath('config/prometheus/kube_state_metrics_config.yaml'), 'utf8')) as {
    spec: { resources: { metricNamePrefix: string; metrics: { name: string }[] }[] };
  };
  return new Set(
    config.spec.resources.flatMap((r) => r.metrics.map((m) => `${r.metricNamePrefix}_${m.name}`)),
  );
}

/** Milo's resource-state families (upstream config/services/quota/telemetry/metrics/policy.yaml). */
const UPSTREAM_FAMILIES = [
  ...['info', 'limit', 'allocated', 'available', 'claim_count', 'grant_count'].map(
    (f) => `milo_quota_bucket_${f}`,
  ),
  ...['last_reconciliation_timestamp', 'observed_generation', 'current_generation'].map(
    (f) => `milo_quota_bucket_${f}`,
  ),
  ...['claim_policy', 'grant_policy'].flatMap((k) =>
    ['info', 'status_condition', 'enabled', 'observed_generation', 'current_generation'].map(
      (f) => `milo_quota_${k}_${f}`,
    ),
  ),
  ...['claim', 'grant', 'registration'].flatMap((k) =>
    ['info', 'status_condition', 'observed_generation', 'current_generation'].map(
      (f) => `milo_quota_${k}_${f}`,
    ),
  ),
];

describe('metricNames (the rule reader this file relies on)', () => {
  it('finds metric names and nothing else', () => {
    assert.deepEqual(
      metricNames(`count by (consumer_kind) (
        (a_status{type="Active", status="True"} == 1) * on (namespace, name) group_left (consumer_kind) b_info
      ) + histogram_quantile(0.99, sum by (le) (rate(c_bucket[5m]))) unless d:rec offset 5m
      or {__name__="g.dotted:rule", x="y"}
      or label_replace(e, "enabled", "true", "", "") > 2 * vector(0) # f_comment`),
      ['a_status', 'b_info', 'c_bucket', 'd:rec', 'e', 'g.dotted:rule'],
    );
  });
});

describe('recording rules and alerts (promtool)', () => {
  it('promtool check rules accepts quota.rules.yaml', async () => {
    const { code, output } = await promtool(['check', 'rules', 'quota.rules.yaml'], RULES_DIR);
    assert.equal(code, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${rules.length} rules found`));
  });

  it('promtool test rules passes rules.test.yaml', async () => {
    const { code, output } = await promtool(['test', 'rules', 'rules.test.yaml'], RULES_DIR);
    assert.equal(code, 0, output);
    assert.match(output, /SUCCESS/);
  });

  it('the unit tests fail on a broken rule, and check rules on a bad expression', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'milo-quota-rules-'));
    try {
      copyFileSync(join(RULES_DIR, 'rules.test.yaml'), join(dir, 'rules.test.yaml'));
      const threshold = ') >= 0.9\n';
      assert.ok(RULES_SOURCE.includes(threshold), 'the near-exhaustion threshold moved: update this test');
      writeFileSync(join(dir, 'quota.rules.yaml'), RULES_SOURCE.replace(threshold, ') >= 0.99\n'));
      const tested = await promtool(['test', 'rules', 'rules.test.yaml'], dir);
      assert.notEqual(tested.code, 0, tested.output);
      assert.match(tested.output, /MiloQuotaBucketNearExhaustion/);

      // upstream's form: a rule name with dots, read bare, does not parse
      const percentage = `'{__name__="quota.miloapis.com:utilization:ratio"} * 100'`;
      assert.ok(RULES_SOURCE.includes(percentage), 'the percentage rule moved: update this test');
      const bare = RULES_SOURCE.replace(percentage, 'quota.miloapis.com:utilization:ratio * 100');
      writeFileSync(join(dir, 'quota.rules.yaml'), bare);
      const checked = await promtool(['check', 'rules', 'quota.rules.yaml'], dir);
      assert.notEqual(checked.code, 0, checked.output);
      assert.match(checked.output, /FAILED[\s\S]*utilization:percentage[\s\S]*parse error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prometheus-rule.yaml is generated from quota.rules.yaml (node scripts/gen-prometheus-rule.ts)', () => {
    const committed = readFileSync(join(RULES_DIR, 'prometheus-rule.yaml'), 'utf8');
    assert.equal(committed, renderPrometheusRule(RULES_SOURCE), 'run node scripts/gen-prometheus-rule.ts');
    const rule = load(committed) as { kind: string; spec: { groups: unknown } };
    assert.equal(rule.kind, 'PrometheusRule');
    assert.deepEqual(rule.spec.groups, groups);
    execFileSync(process.execPath, [repoPath('scripts/gen-prometheus-rule.ts'), '--check'], { cwd: REPO });
    assert.throws(() => renderPrometheusRule('rules: []\n'), /expected a top-level `groups:` line/);
  });

  it('config/prometheus/rules renders the PrometheusRule with kustomize', async () => {
    const objects = await kustomize('config/prometheus/rules');
    assert.deepEqual(
      objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`),
      ['monitoring.coreos.com/v1 PrometheusRule quota.miloapis.com-rules'],
    );
  });

  it('ships the upstream quota.miloapis.com rules and the four alerts', () => {
    const recorded = rules.flatMap((r) => (r.record ? [r.record] : []));
    for (const name of [
      'quota.miloapis.com:utilization:ratio',
      'quota.miloapis.com:utilization:percentage',
      'quota.miloapis.com:utilization:available_ratio',
      'quota.miloapis.com:system:active_registrations',
      'quota.miloapis.com:system:failed_registrations',
      'quota.miloapis.com:system:active_grants',
      'quota.miloapis.com:system:granted_claims',
      'quota.miloapis.com:policy:ready_claim_policies',
      'quota.miloapis.com:policy:ready_grant_policies',
    ]) {
      assert.ok(recorded.includes(name), `missing upstream recording rule ${name}`);
    }
    assert.deepEqual(rules.flatMap((r) => (r.alert ? [r.alert] : [])).sort(), [
      'MiloQuotaBucketNearExhaustion',
      'MiloQuotaDenialsRising',
      'MiloQuotaOperatorNotLeading',
      'MiloQuotaWebhookLatencyHigh',
    ]);
  });

  it("serves Milo's resource-state families: kube-state-metrics, or a recording rule", () => {
    const served = kubeStateMetricsFamilies();
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    const missing = UPSTREAM_FAMILIES.filter((f) => !served.has(f) && !recorded.has(f));
    assert.deepEqual(missing, []);
  });
});

describe('every metric the rules read exists', () => {
  const plane = useControlPlane({ controllerManager: false });
  // leader election on, as the Deployment runs it: leader_election_master_status is registered
  const op = useOperator(plane, { leaderElect: true });
  let families = new Map<string, string>();

  before(async () => {
    const res = await fetch(`http://127.0.0.1:${op.operator.manager.metricsPort}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    families = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
  });

  /** Where `name` comes from, or undefined. */
  function source(name: string, ksm: Set<string>, recorded: Set<string>): string | undefined {
    if (recorded.has(name)) return 'rule';
    if (ksm.has(name)) return 'kube-state-metrics';
    if (families.has(name)) return 'operator';
    const histogram = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
    if (histogram !== undefined && families.get(histogram) === 'histogram') return 'operator';
    return undefined;
  }

  it('in kube-state-metrics families, the operator /metrics or the rules themselves', () => {
    const ksm = kubeStateMetricsFamilies();
    const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
    const unknown = rules.flatMap((r) =>
      metricNames(r.expr)
        .filter((name) => source(name, ksm, recorded) === undefined)
        .map((name) => `${r.record ?? r.alert}: ${name}`),
    );
    assert.deepEqual(unknown, []);
    // the operator families the alerts rely on are really there (not just absent from both lists by luck)
    for (const name of [
      'milo_quota_admission_result_total',
      'milo_quota_claim_decisions_total',
      'controller_runtime_webhook_latency_seconds_bucket',
      'leader_election_master_status',
    ]) {
      assert.equal(source(name, ksm, recorded), 'operator', name);
    }
  });

  it('the check catches a name nobody exports', () => {
    const ksm = kubeStateMetricsFamilies();
    assert.equal(source('milo_quota_bucket_limits', ksm, new Set()), undefined);
    assert.equal(source('milo_quota_admission_result_total_bucket', ksm, new Set()), undefined);
  });
});

// Upstream's shipped quota configuration (config/services/quota): the registrations and claim policies are
// applied file by file, unchanged, must be Active/Ready, and must enforce. Upstream has no chainsaw test for
// them; the checks here follow its README and registrations: each Secret, ConfigMap, Note and ClusterNote
// created in a Project is charged to that Project, and a create beyond its grant is refused. On one cluster a
// Project's objects are those in a namespace labelled with it, and cluster-scoped ClusterNotes are charged
// through the operator's --cluster-scoped-claim-namespace (milo-system here), labelled with the Project.
// iam (Milo's IAM kinds) and telemetry (Milo's resourcemetrics kind) are Milo-apiserver kinds: reported as
// not applicable, with where this project's translation lives.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { Kubectl, OperationResult, ScenarioResult, StepResult } from './chainsaw.ts';

const PROJECT = 'conformance-project';
const ORG = 'conformance-org';
const NS = 'conformance-project-ns';
const PROJECT_LABEL = 'resourcemanager.miloapis.com/project-name';

interface Kustomization {
  resources?: string[];
}

function filesOf(dir: string): string[] {
  const k = join(dir, 'kustomization.yaml');
  if (existsSync(k)) return (load(readFileSync(k, 'utf8')) as Kustomization).resources ?? [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

function namesIn(file: string): { kind: string; name: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { kind: string; name: string }[] = [];
  for (const m of text.matchAll(/^kind:\s*(\S+)[\s\S]*?^\s{2}name:\s*(\S+)/gm))
    out.push({ kind: m[1] ?? '', name: m[2] ?? '' });
  return out;
}

export async function runShippedConfig(
  dir: string,
  kubectl: Kubectl,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const steps: StepResult[] = [];
  let failed = false;
  const step = async (name: string, body: (ops: OperationResult[]) => Promise<void>) => {
    if (failed) {
      steps.push({ name, operations: [], outcome: 'not run' });
      return;
    }
    log(`  step ${name}`);
    const ops: OperationResult[] = [];
    await body(ops);
    for (const op of ops)
      log(`    ${op.outcome.padEnd(7)} ${op.operation}${op.detail ? `: ${op.detail}` : ''}`);
    const stepFailed = ops.some((o) => o.outcome === 'failed');
    steps.push({ name, operations: ops, outcome: stepFailed ? 'failed' : 'passed' });
    failed ||= stepFailed;
  };
  const run = async (ops: OperationResult[], operation: string, args: string[], input?: string) => {
    const r = await kubectl(args, input);
    ops.push({
      operation,
      outcome: r.code === 0 ? 'passed' : 'failed',
      detail: r.code === 0 ? '' : r.stderr.trim(),
    });
    return r.code === 0;
  };
  const refused = async (ops: OperationResult[], operation: string, manifest: object) => {
    const r = await kubectl(['create', '-f', '-'], JSON.stringify(manifest));
    const ok = r.code !== 0 && /quota/i.test(r.stderr);
    ops.push({
      operation,
      outcome: ok ? 'passed' : 'failed',
      detail: ok
        ? `refused: ${r.stderr.trim().split('\n')[0]}`
        : r.code === 0
          ? 'admitted beyond the grant'
          : r.stderr.trim(),
    });
  };
  const applyAll = async (sub: string, condition: string, ops: OperationResult[]) => {
    for (const file of filesOf(join(dir, sub))) {
      const path = join(dir, sub, file);
      if (!(await run(ops, `apply ${sub}/${file}`, ['apply', '-f', path]))) continue;
      for (const { kind, name } of namesIn(path)) {
        await run(ops, `wait ${kind} ${name} for ${condition}=True`, [
          'wait',
          `--for=condition=${condition}=True`,
          '--timeout=30s',
          `${kind.toLowerCase()}.quota.miloapis.com/${name}`,
        ]);
      }
    }
  };

  await step('registrations: applied unchanged, Active', (ops) => applyAll('registrations', 'Active', ops));
  await step('claim-policies: applied unchanged, Ready', (ops) => applyAll('claim-policies', 'Ready', ops));
  await step('iam and telemetry: not applicable', async (ops) => {
    for (const sub of ['iam', 'telemetry']) {
      ops.push({
        operation: sub,
        outcome: 'skipped',
        detail:
          sub === 'iam'
            ? 'Milo IAM kinds (iam.miloapis.com Role, ProtectedResource, PolicyBinding); translated as ClusterRoles in config/rbac/milo_roles.yaml (docs/rbac.md "Milo\'s roles")'
            : 'resourcemetrics.miloapis.com ResourceMetricsPolicy; translated as config/prometheus/kube_state_metrics_config.yaml (docs/telemetry.md)',
      });
    }
  });
  await step('a Project, its namespace and grant (1 Secret, 1 ConfigMap, 3 Notes)', async (ops) => {
    const setup = [
      {
        apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
        kind: 'Organization',
        metadata: { name: ORG },
        spec: { type: 'Standard' },
      },
      {
        apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
        kind: 'Project',
        metadata: { name: PROJECT },
        spec: { ownerRef: { kind: 'Organization', name: ORG } },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { [PROJECT_LABEL]: PROJECT } } },
      {
        apiVersion: 'quota.miloapis.com/v1alpha1',
        kind: 'ResourceGrant',
        metadata: { name: `${PROJECT}-grant`, namespace: 'milo-system' },
        spec: {
          consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: PROJECT },
          allowances: [
            { resourceType: 'core.miloapis.com/secrets', buckets: [{ amount: 1 }] },
            { resourceType: 'core.miloapis.com/configmaps', buckets: [{ amount: 1 }] },
            { resourceType: 'notes.miloapis.com/notes', buckets: [{ amount: 3 }] },
          ],
        },
      },
    ];
    for (const obj of setup)
      await run(ops, `create ${obj.kind} ${obj.metadata.name}`, ['apply', '-f', '-'], JSON.stringify(obj));
    await run(ops, `label namespace milo-system ${PROJECT_LABEL}=${PROJECT} (ClusterNote claims go there)`, [
      'label',
      'namespace',
      'milo-system',
      `${PROJECT_LABEL}=${PROJECT}`,
      '--overwrite',
    ]);
    await run(ops, 'wait ResourceGrant Active', [
      'wait',
      '--for=condition=Active=True',
      '--timeout=30s',
      '-n',
      'milo-system',
      `resourcegrant.quota.miloapis.com/${PROJECT}-grant`,
    ]);
  });
  const secret = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS },
    stringData: { k: 'v' },
  });
  const configMap = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NS },
    data: { k: 'v' },
  });
  const subjectRef = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: PROJECT };
  const note = (name: string) => ({
    apiVersion: 'notes.miloapis.com/v1alpha1',
    kind: 'Note',
    metadata: { name, namespace: NS },
    spec: { content: 'conformance', subjectRef },
  });
  const clusterNote = (name: string) => ({
    apiVersion: 'notes.miloapis.com/v1alpha1',
    kind: 'ClusterNote',
    metadata: { name },
    spec: { content: 'conformance', subjectRef },
  });
  await step('Secret policy: one admitted and charged to the Project, the second refused', async (ops) => {
    await run(ops, 'create Secret s1', ['create', '-f', '-'], JSON.stringify(secret('s1')));
    await refused(ops, 'create Secret s2 (beyond the grant)', secret('s2'));
  });
  await step('ConfigMap policy: one admitted, the second refused', async (ops) => {
    await run(ops, 'create ConfigMap c1', ['create', '-f', '-'], JSON.stringify(configMap('c1')));
    await refused(ops, 'create ConfigMap c2 (beyond the grant)', configMap('c2'));
  });
  await step(
    'Note and ClusterNote policies: three admitted (2 Notes, 1 ClusterNote), then both refused',
    async (ops) => {
      await run(ops, 'create Note n1', ['create', '-f', '-'], JSON.stringify(note('n1')));
      await run(
        ops,
        'create ClusterNote cn1',
        ['create', '-f', '-'],
        JSON.stringify(clusterNote('conformance-cn1')),
      );
      await run(ops, 'create Note n2', ['create', '-f', '-'], JSON.stringify(note('n2')));
      await refused(ops, 'create Note n3 (beyond the grant)', note('n3'));
      await refused(ops, 'create ClusterNote cn2 (beyond the grant)', clusterNote('conformance-cn2'));
    },
  );
  await step('claims granted to the Project; its buckets in milo-system show the use', async (ops) => {
    const want: Record<string, number> = {
      'core.miloapis.com/secrets': 1,
      'core.miloapis.com/configmaps': 1,
      'notes.miloapis.com/notes': 3,
    };
    type Bucket = { spec: { resourceType: string }; status?: { allocated?: number } };
    const shown = async (): Promise<Bucket[]> => {
      const args = ['get', 'allowancebuckets.quota.miloapis.com', '-n', 'milo-system', '-l'];
      const r = await kubectl([...args, `quota.miloapis.com/consumer-name=${PROJECT}`, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { items: Bucket[] }).items : [];
    };
    const matches = (items: Bucket[]) =>
      Object.entries(want).every(
        ([t, a]) => items.find((b) => b.spec.resourceType === t)?.status?.allocated === a,
      );
    let items = await shown();
    for (let i = 0; i < 60 && !matches(items); i++) {
      await new Promise((r) => setTimeout(r, 500));
      items = await shown();
    }
    for (const [type, allocated] of Object.entries(want)) {
      const bucket = items.find((b) => b.spec.resourceType === type);
      const ok = bucket?.status?.allocated === allocated;
      ops.push({
        operation: `bucket ${type} allocated ${allocated}`,
        outcome: ok ? 'passed' : 'failed',
        detail: ok ? '' : bucket ? `allocated ${bucket.status?.allocated}` : 'no bucket',
      });
    }
    await run(ops, 'label namespace milo-system: Project label removed', [
      'label',
      'namespace',
      'milo-system',
      `${PROJECT_LABEL}-`,
    ]);
  });
  return { name: 'config/services/quota', steps, clusters: [], passed: !failed };
}

// `make milo-conformance MILO_DIR=<checkout of milo-os/milo>`: applies upstream Milo's quota manifests
// unchanged to a local control plane running this operator, and checks what upstream's own files say should
// happen (docs/milo-parity.md).
//
// 1. Extracts `test/quota` and `config/services/quota` from MILO_DIR at MILO_REF (default HEAD) with
//    `git archive` into a temporary directory (MILO_DIR may be a bare mirror); a plain directory is read as is.
// 2. Starts etcd + kube-apiserver + kube-controller-manager, the CRDs, the stand-in resourcemanager CRDs and
//    the Note/ClusterNote test CRDs, and the operator with Milo's layout: namespace milo-system,
//    --bucket-placement=milo, cluster-scoped claims in milo-system, --parent-context=this-cluster.
// 3. Runs every `test/quota/*/chainsaw-test.yaml`, in directory order, step by step (chainsaw.ts).
// 4. Applies `config/services/quota` registrations and claim policies file by file and checks that they are
//    Active/Ready and enforce (shipped.ts). Upstream's iam and telemetry files are reported as not applicable.
// Prints a result per scenario and step; exits 1 if any scenario failed. `--scenario=<name>` (repeatable) runs
// only those; `--json=<file>` writes the results.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startControlPlane } from '../../src/envtest/index.ts';
import { installCrds, repoPath } from '../support/kube.ts';
import { startTestOperator, TEST_OPERATOR_OPTIONS } from '../support/operator.ts';
import { ChainsawRunner, type Kubectl, readTimeouts, type ScenarioResult } from './chainsaw.ts';
import { projectOfCluster } from './clusters.ts';
import { startResourceManagerStandIn } from './resourcemanager.ts';
import { runShippedConfig } from './shipped.ts';

const PARTS = ['test/quota', 'config/services/quota'];

function extract(miloDir: string, ref: string): { root: string; commit: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'milo-upstream-'));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  let isGit = true;
  try {
    execFileSync('git', ['-C', miloDir, 'rev-parse', '--git-dir'], { stdio: 'ignore' });
  } catch {
    isGit = false;
  }
  if (!isGit) {
    if (!existsSync(join(miloDir, 'test/quota'))) {
      cleanup();
      throw new Error(`MILO_DIR=${miloDir} has no test/quota: point it at a checkout of milo-os/milo`);
    }
    for (const part of PARTS.filter((p) => existsSync(join(miloDir, p)))) {
      mkdirSync(join(root, part, '..'), { recursive: true });
      cpSync(join(miloDir, part), join(root, part), { recursive: true });
    }
    return { root, commit: '(not a git checkout)', cleanup };
  }
  const commit = execFileSync('git', ['-C', miloDir, 'rev-parse', ref], { encoding: 'utf8' }).trim();
  const present = PARTS.filter((part) => {
    try {
      execFileSync('git', ['-C', miloDir, 'cat-file', '-e', `${commit}:${part}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!present.includes('test/quota'))
    throw new Error(
      `${miloDir} at ${commit} has no test/quota: point MILO_DIR at a checkout of milo-os/milo`,
    );
  const tar = execFileSync('git', ['-C', miloDir, 'archive', '--format=tar', commit, ...present], {
    maxBuffer: 256 << 20,
  });
  execFileSync('tar', ['-x', '-C', root], { input: tar });
  return { root, commit, cleanup };
}

function printResult(r: ScenarioResult): void {
  const steps = r.steps.filter((s) => s.outcome === 'passed').length;
  console.log(`${r.passed ? 'PASS' : 'FAIL'} ${r.name}: ${steps}/${r.steps.length} steps`);
  for (const s of r.steps) {
    if (s.outcome === 'passed') continue;
    console.log(`     ${s.outcome} ${s.name}`);
    for (const op of s.operations.filter((o) => o.outcome !== 'passed'))
      console.log(`       ${op.outcome}: ${op.operation}${op.detail ? ` — ${op.detail}` : ''}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'milo-dir': { type: 'string' },
      ref: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      json: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  const miloDir = values['milo-dir'] ?? process.env.MILO_DIR;
  if (!miloDir) {
    console.error(
      'give MILO_DIR=<checkout of milo-os/milo> (make milo-conformance MILO_DIR=...) or --milo-dir',
    );
    return 2;
  }
  const only = new Set(values.scenario ?? []);
  const verbose = values.verbose === true || process.env.VERBOSE === '1';
  const log = (line: string) => {
    if (verbose) console.log(line);
  };
  const upstream = extract(resolve(miloDir), values.ref ?? process.env.MILO_REF ?? 'HEAD');
  console.log(`milo-os/milo ${upstream.commit}: ${PARTS.join(', ')} extracted to ${upstream.root}`);
  const plane = await startControlPlane();
  const kubectl: Kubectl = (args, input) => plane.kubectl(args, input === undefined ? {} : { input });
  const results: ScenarioResult[] = [];
  let stopStandIn = async () => {};
  let operator: Awaited<ReturnType<typeof startTestOperator>> | undefined;
  try {
    await installCrds(plane);
    const notes = await kubectl(['apply', '-k', repoPath('config/samples/notes')]);
    if (notes.code !== 0) throw new Error(`installing the Note test CRDs: ${notes.stderr}`);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    const webhook = TEST_OPERATOR_OPTIONS.webhook;
    if (webhook === false) throw new Error('the test operator options serve no webhook');
    operator = await startTestOperator(plane, {
      namespace: 'milo-system',
      bucketPlacement: 'milo',
      orphanGracePeriodSeconds: 30,
      parentContext: 'this-cluster',
      webhook: { ...webhook, clusterScopedClaimNamespace: 'milo-system' },
    });
    stopStandIn = startResourceManagerStandIn(kubectl, log);
    const timeouts = readTimeouts(join(upstream.root, 'test/quota/.chainsaw.yaml'));
    const runner = new ChainsawRunner(kubectl, timeouts, log);
    const scenarios = readdirSync(join(upstream.root, 'test/quota'), { withFileTypes: true })
      .filter(
        (d) => d.isDirectory() && existsSync(join(upstream.root, 'test/quota', d.name, 'chainsaw-test.yaml')),
      )
      .map((d) => d.name)
      .sort();
    for (const scenario of scenarios) {
      if (only.size > 0 && !only.has(scenario)) continue;
      const dir = join(upstream.root, 'test/quota', scenario);
      console.log(`-- ${scenario}`);
      const started = Date.now();
      const result = await runner.runTest(dir, 'chainsaw-test.yaml', (cluster) =>
        projectOfCluster(dir, cluster),
      );
      results.push(result);
      printResult(result);
      console.log(`     (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    const shipped = join(upstream.root, 'config/services/quota');
    if ((only.size === 0 || only.has('config/services/quota')) && existsSync(shipped)) {
      console.log('-- config/services/quota');
      const result = await runShippedConfig(shipped, kubectl, log);
      results.push(result);
      printResult(result);
    }
  } finally {
    await stopStandIn();
    await operator?.stop();
    await plane.stop();
    upstream.cleanup();
  }
  const failed = results.filter((r) => !r.passed);
  console.log(
    `\n${results.length - failed.length}/${results.length} scenarios passed${failed.length ? `; failed: ${failed.map((r) => r.name).join(', ')}` : ''}`,
  );
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify({ commit: upstream.commit, results }, null, 2)}\n`);
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`milo-conformance: ${error instanceof Error ? error.message : String(error)}`);
  return 2;
});

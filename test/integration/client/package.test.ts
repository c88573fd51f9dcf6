// The client as a service installs it: `npm pack` of packages/client, installed from the tarball into a
// scratch project outside the repository (it cannot see this repository's sources or node_modules), then a
// plain-JavaScript and a TypeScript consumer (package-consumer/) run against a real control plane with the
// operator: ensureClaim → Granted, waitForDecision, releaseClaim, on this repository's Node 24 and on Node 22
// (the package's `engines` floor, installed from the npm `node` package by test/support/node22.ts;
// MQ_NODE22=<node binary> picks another; docs/client.md).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { useControlPlane } from '../../support/cluster.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';
import { node22Binary } from '../../support/node22.ts';
import { useOperator } from '../../support/operator.ts';

const exec = promisify(execFile);
const plane = useControlPlane();
useOperator(plane);
const NS = 'pack-consumers';
const CONSUMER_DIR = repoPath('test/integration/client/package-consumer');

interface ConsumerReport {
  readonly consumer: string;
  readonly node: string;
  readonly name: string;
  readonly created: boolean;
  readonly outcome: string;
  readonly decisionOnReread: string;
  readonly released: boolean;
  readonly releasedAgain: boolean;
  readonly rereadStatus: unknown;
}

async function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  try {
    return await exec(cmd, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`,
    );
  }
}

const instance = (name: string) => `apiVersion: compute.example.com/v1alpha1
kind: Instance
metadata: {name: ${name}, namespace: ${NS}}
spec: {vcpus: 2, organization: acme}
`;

describe('@milo-quota/client installed from its npm pack tarball', () => {
  let scratch = '';
  let tarball = '';
  let node22 = '';

  before(async () => {
    node22 = await node22Binary();
    scratch = await mkdtemp(join(tmpdir(), 'milo-quota-client-consumer-'));
    const packed = await sh(
      'npm',
      ['pack', '--json', '--pack-destination', scratch],
      repoPath('packages/client'),
    );
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
    assert.ok(info, packed.stdout);
    tarball = join(scratch, info.filename);
    const manifest = {
      name: 'quota-client-consumer',
      private: true,
      type: 'module',
      dependencies: { '@milo-quota/client': `file:${tarball}`, '@kubernetes/client-node': '2.0.1' },
      // @types/ws: @kubernetes/client-node's own declarations need it once skipLibCheck is off.
      devDependencies: { typescript: '5.9.3', '@types/node': '24.19.2', '@types/ws': '8.18.2' },
    };
    await writeFile(join(scratch, 'package.json'), JSON.stringify(manifest, null, 2));
    for (const file of ['consumer.mjs', 'consumer.ts', 'tsconfig.json']) {
      await copyFile(join(CONSUMER_DIR, file), join(scratch, file));
    }
    await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], scratch);
  });

  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and types only, with only the client runtime dependencies', async () => {
    const installed = join(scratch, 'node_modules/@milo-quota/client');
    const top = (await readdir(installed)).sort();
    assert.deepEqual(top, ['README.md', 'dist', 'package.json']);
    const files = await readdir(join(installed, 'dist'), { recursive: true });
    assert.equal(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).length, 0);
    assert.ok(files.includes('index.js') && files.includes('index.d.ts'));
    assert.equal(files.filter((file) => file.endsWith('.test.js')).length, 0, 'no tests in the package');
    const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), [
      '@kubernetes/client-node',
      '@openfeature/server-sdk',
      '@opentelemetry/api', // the runtime's span helpers (no-ops unless the service registers a tracer)
      'prom-client',
      'winston',
    ]);
    const modules = await readdir(join(scratch, 'node_modules'));
    for (const operatorOnly of ['@bufbuild', '@peculiar', 'reflect-metadata']) {
      assert.ok(
        !modules.includes(operatorOnly),
        `${operatorOnly} is an operator dependency, not the client's`,
      );
    }
  });

  it('type-checks a strict TypeScript consumer against the shipped .d.ts (no skipLibCheck)', async () => {
    await sh(join(scratch, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], scratch);
  });

  it('JavaScript and TypeScript consumers: ensureClaim → Granted, waitForDecision, releaseClaim', async () => {
    const started = await plane.ready;
    // The example service's Instance kind (the registrations allow claims for Instances only) and its quota.
    await kubectlOk(started, ['apply', '-f', repoPath('examples/instance-service/config/instance-crd.yaml')]);
    await kubectlOk(started, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/instances.compute.example.com',
    ]);
    await kubectlOk(started, ['apply', '-f', repoPath('examples/instance-service/config/grant.yaml')]);
    await kubectlOk(started, [
      'apply',
      '-f',
      repoPath('examples/instance-service/config/registrations.yaml'),
    ]);
    await kubectlOk(started, [
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      'resourceregistrations',
      '--all',
    ]);
    await kubectlOk(started, [
      'wait',
      '--for=condition=Active',
      '--timeout=60s',
      '-n',
      'quota-system',
      'resourcegrants',
      '--all',
    ]);
    await kubectlOk(started, ['create', 'namespace', NS]);
    const nodes = [process.execPath, node22];
    const seen: string[] = [];
    const runs: [string, string[]][] = [
      ['consumer.mjs', ['consumer.mjs']],
      ['consumer.ts', ['out/consumer.js']],
    ];
    for (const node of nodes) {
      for (const [label, args] of runs) {
        const owner = `owner-${label.replace('.', '-')}-${nodes.indexOf(node)}`;
        // A real Instance: the claim's ownerReference names it, and the garbage collector deletes a claim
        // whose owner does not exist (once it watches the new kind), which would end the wait early.
        await kubectlOk(started, ['create', '-f', '-'], instance(owner));
        const uid = (
          await kubectlOk(started, [
            'get',
            'instances.compute.example.com',
            owner,
            '-n',
            NS,
            '-o',
            'jsonpath={.metadata.uid}',
          ])
        ).trim();
        const env = {
          PATH: process.env.PATH,
          KUBECONFIG: started.kubeconfigPath,
          CLAIM_NAMESPACE: NS,
          OWNER_NAME: owner,
          OWNER_UID: uid,
        };
        const { stdout } = await sh(node, args, scratch, env);
        const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ConsumerReport;
        assert.equal(report.name, `instance-${owner}`, label);
        assert.deepEqual(
          { created: report.created, outcome: report.outcome, reread: report.decisionOnReread },
          { created: true, outcome: 'granted', reread: 'granted' },
          `${label} on Node ${report.node}; the re-read claim's status: ${JSON.stringify(report.rereadStatus)}`,
        );
        assert.equal(report.released, true, `${label}: releaseClaim deleted the claim`);
        assert.equal(report.releasedAgain, false, `${label}: a second release finds nothing`);
        const left = await kubectlOk(started, ['get', 'resourceclaims', '-n', NS, '-o', 'name']);
        assert.equal(left.trim(), '', `${label}: the claim is gone after releaseClaim`);
        console.log(`${label} on Node ${report.node}: created ${report.name}, granted, released`);
        seen.push(`${label} on Node ${report.node.split('.')[0]}`);
      }
    }
    assert.deepEqual(seen, [
      'consumer.mjs on Node 24',
      'consumer.ts on Node 24',
      'consumer.mjs on Node 22',
      'consumer.ts on Node 22',
    ]);
  });
});

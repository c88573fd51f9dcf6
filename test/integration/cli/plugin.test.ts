// The kubectl quota plugin against a real apiserver holding a demo state the test writes (buckets and
// claims with status, as the operator would leave them).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureClaim } from '../../../src/client/index.ts';
import { useControlPlane } from '../../support/cluster.ts';
import {
  createBucket,
  createNamespace,
  createOwner,
  deniedStatus,
  grantedStatus,
  installCrds,
  ORG,
  writeClaimStatus,
} from '../client/fixtures.ts';
import { pluginDir, runCli, runKubectlPlugin } from './run-cli.ts';

const plane = useControlPlane({ controllerManager: false });
const kc = () => plane.current.kubeConfig;
const env = () => ({ KUBECONFIG: plane.current.kubeconfigPath });
const BETA = { ...ORG, name: 'beta' };
const VCPUS = 'compute.example.com/vcpus';
const PROJECTS = 'resourcemanager.miloapis.com/projects';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const USAGE_TABLE = `CONSUMER: Organization acme (resourcemanager.miloapis.com)
RESOURCE TYPE                           LIMIT   ALLOCATED   AVAILABLE   CLAIMS   USAGE
compute.example.com/vcpus               100     85          15          12       [████████░░]  85%
resourcemanager.miloapis.com/projects   10      6           4           6        [██████░░░░]  60%

CONSUMER: Organization beta (resourcemanager.miloapis.com)
RESOURCE TYPE                           LIMIT   ALLOCATED   AVAILABLE   CLAIMS   USAGE
resourcemanager.miloapis.com/projects   5       5           0           5        [██████████] 100%
`;

/** A claim for `amount` vCPUs of acme, owned by a ConfigMap of the same name in team-a. */
async function claim(name: string, amount: number) {
  const owner = await createOwner(kc(), 'team-a', name);
  const requests = [{ resourceType: VCPUS, amount }];
  const { claim } = await ensureClaim(kc(), { owner, namespace: 'team-a', consumerRef: ORG, requests, name });
  return claim;
}

describe('kubectl quota', () => {
  const plugins = pluginDir();
  after(() => plugins.remove());

  before(async () => {
    await installCrds(plane.current);
    for (const ns of ['quota-system', 'team-a']) await createNamespace(kc(), ns);
    const bucket = { namespace: 'quota-system', consumerRef: ORG };
    await createBucket(kc(), {
      ...bucket,
      name: 'acme-vcpus',
      resourceType: VCPUS,
      limit: 100,
      allocated: 85,
      claimCount: 12,
    });
    await createBucket(kc(), {
      ...bucket,
      name: 'acme-projects',
      resourceType: PROJECTS,
      limit: 10,
      allocated: 6,
      claimCount: 6,
    });
    await createBucket(kc(), {
      ...bucket,
      consumerRef: BETA,
      name: 'beta-projects',
      resourceType: PROJECTS,
      limit: 5,
      allocated: 5,
      claimCount: 5,
    });
    const granted = await claim('granted', 4);
    await writeClaimStatus(kc(), { namespace: 'team-a', name: 'granted' }, grantedStatus(granted));
    const denied = await claim('denied', 20);
    await writeClaimStatus(kc(), { namespace: 'team-a', name: 'denied' }, deniedStatus(denied, 15));
    await claim('pending', 1);
  });

  it('usage: one table per consumer with usage bars', async () => {
    const result = await runCli(['usage'], env());
    assert.deepEqual(result, { code: 0, stdout: USAGE_TABLE, stderr: '' });
  });

  it('usage: JSON for one consumer, and colour only on a terminal without NO_COLOR', async () => {
    const json = await runCli(
      ['usage', '--consumer', 'organization/beta', '-n', 'quota-system', '-o', 'json'],
      env(),
    );
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {
      consumers: [
        {
          consumer: BETA,
          buckets: [
            {
              namespace: 'quota-system',
              name: 'beta-projects',
              resourceType: PROJECTS,
              limit: 5,
              allocated: 5,
              available: 0,
              claims: 5,
              usagePercent: 100,
              overCommitted: 0,
            },
          ],
        },
      ],
    });
    const ESC = String.fromCharCode(27);
    assert.ok((await runCli(['usage'], env(), true)).stdout.includes(`${ESC}[31m[██████████] 100%${ESC}[0m`));
    assert.ok(!(await runCli(['usage'], { ...env(), NO_COLOR: '1' }, true)).stdout.includes(ESC));
    const none = await runCli(['usage', '-n', 'team-a'], env());
    assert.deepEqual(none, {
      code: 0,
      stdout: '',
      stderr: 'No AllowanceBuckets found in namespace team-a.\n',
    });
  });

  it('explain: why a claim was denied, with the bucket figures', async () => {
    const result = await runCli(['explain', 'claim', 'denied', '-n', 'team-a'], env());
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Decision: Denied \(QuotaExceeded\): Insufficient quota resources\./m);
    assert.match(result.stdout, /^compute\.example\.com\/vcpus +20 +Denied +100 +85 +15$/m);
    assert.match(result.stdout, /^Owners: {3}ConfigMap denied \(uid [0-9a-f-]+\)$/m);
    assert.match(
      result.stdout,
      /- compute\.example\.com\/vcpus: requested 20 but only 15 of 100 available \(85 allocated to other claims\)/,
    );
    const json = JSON.parse(
      (await runCli(['explain', 'claim/granted', '-n', 'team-a', '-o', 'json'], env())).stdout,
    );
    assert.equal(json.decision.outcome, 'granted');
    assert.deepEqual(json.requests[0].bucket, {
      namespace: 'quota-system',
      name: 'acme-vcpus',
      limit: 100,
      allocated: 85,
      available: 15,
    });
  });

  it('explain and wait: an unknown claim name is an error with suggestions (exit 3)', async () => {
    for (const verb of ['explain', 'wait']) {
      const result = await runCli([verb, 'claim', 'denyed', '-n', 'team-a'], env());
      assert.equal(result.code, 3);
      assert.equal(
        result.stderr,
        'error: ResourceClaim "denyed" not found in namespace "team-a": did you mean "denied"? (kubectl get resourceclaims -n team-a)\n',
      );
    }
  });

  it('wait: exit 0 granted, 1 denied, 2 timeout', async () => {
    const granted = await runCli(['wait', 'claim', 'granted', '-n', 'team-a'], env());
    assert.deepEqual(granted, {
      code: 0,
      stdout: 'resourceclaim/granted granted: All 1 resource requests have been granted\n',
      stderr: '',
    });
    const denied = await runCli(['wait', 'claim', 'denied', '-n', 'team-a'], env());
    assert.equal(denied.code, 1);
    assert.equal(
      denied.stdout,
      'resourceclaim/denied denied (QuotaExceeded): Insufficient quota resources. Contact your account administrator to review quota limits and usage.\n  compute.example.com/vcpus: Resource quota exceeded: requested 20, available 15\n',
    );
    const started = Date.now();
    const pending = await runCli(['wait', 'claim', 'pending', '-n', 'team-a', '--timeout=1s'], env());
    assert.deepEqual(pending, {
      code: 2,
      stdout: 'resourceclaim/pending not decided after 1s: Awaiting capacity evaluation\n',
      stderr: '',
    });
    assert.ok(Date.now() - started < 5000);
  });

  it('wait: returns as soon as the claim is decided', async () => {
    const late = await claim('late', 2);
    const waiting = runCli(['wait', 'claim', 'late', '-n', 'team-a', '--timeout', '30s'], env());
    await sleep(300);
    await writeClaimStatus(kc(), { namespace: 'team-a', name: 'late' }, grantedStatus(late));
    assert.equal((await waiting).code, 0);
  });

  it('runs as a kubectl plugin found on PATH through a kubectl-quota symlink', async () => {
    const config = plane.current.kubeconfigPath;
    const usage = await runKubectlPlugin(plugins.dir, ['usage'], config);
    assert.deepEqual(usage, { code: 0, stdout: USAGE_TABLE, stderr: '' });
    const denied = await runKubectlPlugin(plugins.dir, ['wait', 'claim', 'denied', '-n', 'team-a'], config);
    assert.equal(denied.code, 1, denied.stderr);
    const bad = await runKubectlPlugin(plugins.dir, ['wait', 'claim', 'denied', '--timeout', '9'], config);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /^error: --timeout: "9" has no unit/);
  });
});

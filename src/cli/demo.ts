// The `make run` demo: the steps a platform team and its tenants would take, as kubectl commands against
// the cluster, with the operator running. It prints each command and what came back, so the output reads
// as a walkthrough: CRDs, samples (registrations, tier policies, a claim policy), Organizations get default
// quota by themselves, a service-managed claim is granted (applied once acme's grants count) and explained
// in display units, Milo's Secret policy charges the Project a namespace is labelled with, usage in display
// units, and last, on purpose, alice's third Project refused by her Personal tier
// (test/integration/cli/demo.test.ts).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoContext {
  readonly kubectl: string;
  readonly kubeconfig: string;
  readonly say: (line: string) => void;
}

interface Outcome {
  readonly code: number;
  readonly out: string;
}

export function run(ctx: DemoContext, args: readonly string[], input?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      ctx.kubectl,
      ['kubectl', `--kubeconfig=${ctx.kubeconfig}`, ...args],
      { cwd: repo },
      (error, stdout, stderr) => {
        resolve({ code: error ? 1 : 0, out: `${stdout}${stderr}`.trim() });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

export async function step(
  ctx: DemoContext,
  title: string,
  args: readonly string[],
  input?: string,
): Promise<Outcome> {
  ctx.say(`\n$ kubectl ${args.join(' ')}${input ? '   # manifest below' : ''}   (${title})`);
  if (input) ctx.say(input.trim().replace(/^/gm, '    '));
  const outcome = await run(ctx, args, input);
  if (outcome.out) ctx.say(outcome.out.replace(/^/gm, '  '));
  return outcome;
}

/** `kubectl wait` until every object of `resource` (its kind, or `-A` and its kind) has `condition`. */
const waitAll = (ctx: DemoContext, title: string, condition: string, ...resource: string[]) =>
  step(ctx, title, ['wait', `--for=condition=${condition}`, '--timeout=60s', ...resource, '--all']);

const project = (name: string, org: string) => `apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Project
metadata:
  name: ${name}
spec:
  ownerRef:
    kind: Organization
    name: ${org}
`;

/** Polls a kubectl read until it prints `expected` (or what `expected` accepts; at most 30 s). */
export async function until(
  ctx: DemoContext,
  what: string,
  args: readonly string[],
  expected: string | ((out: string) => boolean),
): Promise<void> {
  const done = typeof expected === 'string' ? (out: string) => out === expected : expected;
  for (let i = 0; i < 300; i++) {
    if (done((await run(ctx, args)).out)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  ctx.say(`  (gave up waiting for ${what})`);
}

export async function installCrds(ctx: DemoContext): Promise<void> {
  await step(ctx, 'the six quota CRDs', ['apply', '-k', 'config/crd']);
  await step(ctx, 'demo Organization and Project CRDs', ['apply', '-k', 'config/samples/resourcemanager']);
  await waitAll(ctx, 'wait until served', 'Established', 'crd');
  await run(ctx, ['create', 'namespace', 'quota-system']);
}

/** The sample files `kubectl apply -k config/samples` would apply, but the service-managed claim. */
const SAMPLES_BEFORE_CLAIM = [
  'grantcreationpolicy_personal',
  'grantcreationpolicy_standard',
  'claimcreationpolicy_projects',
  'resourcegrant',
].map((name) => `config/samples/quota_v1alpha1_${name}.yaml`);
const SAMPLE_CLAIM = 'config/samples/quota_v1alpha1_resourceclaim.yaml';

/** Runs the `kubectl quota` plugin (bin/kubectl-quota.mjs) and prints it as kubectl would run it. */
function quota(ctx: DemoContext, title: string, args: readonly string[]): Promise<Outcome> {
  ctx.say(`\n$ kubectl quota ${args.join(' ')}   (${title})`);
  return new Promise((resolve) => {
    const plugin = [`${repo}bin/kubectl-quota.mjs`, ...args, `--kubeconfig=${ctx.kubeconfig}`];
    execFile(
      process.execPath,
      plugin,
      { cwd: repo, env: { ...process.env, NO_COLOR: '1' } },
      (error, out, err) => {
        const outcome = { code: error ? 1 : 0, out: `${out}${err}`.trim() };
        if (outcome.out) ctx.say(outcome.out.replace(/^/gm, '  '));
        resolve(outcome);
      },
    );
  });
}

/** acme's vCPU limit in base units (millicores), from its bucket; undefined until the bucket is written. */
function acmeVcpuLimit(out: string): number | undefined {
  const limit = out
    .split(' ')
    .find((entry) => entry.startsWith('compute.miloapis.com/vcpus='))
    ?.split('=')[1];
  return limit ? Number(limit) : undefined;
}

export async function runDemo(ctx: DemoContext): Promise<void> {
  const registrations = ['projects', 'vcpus'].map(
    (r) => `config/samples/quota_v1alpha1_resourceregistration_${r}.yaml`,
  );
  await step(ctx, 'what is quota-managed: Projects and vCPUs per Organization', [
    'apply',
    ...registrations.flatMap((file) => ['-f', file]),
  ]);
  await waitAll(ctx, 'registrations active', 'Active', 'resourceregistrations.quota.miloapis.com');
  await step(ctx, 'tier grant policies, the Project claim policy, a manual grant of 16 vCPUs to acme', [
    'apply',
    ...SAMPLES_BEFORE_CLAIM.flatMap((file) => ['-f', file]),
  ]);
  await waitAll(ctx, 'policies ready', 'Ready', 'grantcreationpolicies.quota.miloapis.com');
  await waitAll(ctx, 'policies ready', 'Ready', 'claimcreationpolicies.quota.miloapis.com');
  await until(
    ctx,
    'the enforcement webhook to cover Projects',
    [
      'get',
      'validatingwebhookconfiguration',
      'milo-quota-enforcement',
      '-o',
      'jsonpath={.webhooks[0].rules[0].resources[0]}',
    ],
    'projects',
  );
  await step(ctx, 'Organizations acme (Standard) and alice (Personal), Project acme-web', [
    'apply',
    '-k',
    'config/samples/resourcemanager/examples',
  ]);
  await waitAll(
    ctx,
    'default grants appear by themselves',
    'Active',
    '-A',
    'resourcegrants.quota.miloapis.com',
  );
  await step(ctx, 'the grants', ['get', 'resourcegrants.quota.miloapis.com', '-A']);
  // A claim is decided once, against the grants in place at that moment: ask only when acme's bucket
  // already counts the grants (claims are immutable and a denial is final).
  await until(
    ctx,
    "acme's vCPU bucket to count its grants",
    [
      'get',
      'allowancebuckets.quota.miloapis.com',
      '-A',
      '-o',
      'jsonpath={range .items[?(@.spec.consumerRef.name=="acme")]}{.spec.resourceType}={.status.limit} {end}',
    ],
    (out) => (acmeVcpuLimit(out) ?? 0) >= 16_000,
  );
  await step(ctx, 'a compute service asks for 4 vCPUs for its Instance web-1 (a service-managed claim)', [
    'apply',
    '-f',
    SAMPLE_CLAIM,
  ]);
  await quota(ctx, 'the service waits for the decision', [
    'wait',
    'claim',
    'instance-web-1-vcpus',
    '-n',
    'default',
    '--timeout',
    '30s',
  ]);
  await quota(ctx, "why it was granted: its request and acme's vCPU bucket, in display units", [
    'explain',
    'claim',
    'instance-web-1-vcpus',
    '-n',
    'default',
  ]);
  for (const name of ['alice-blog', 'alice-shop']) {
    await step(
      ctx,
      'a Project of alice (Personal tier: 2 Projects)',
      ['create', '-f', '-'],
      project(name, 'alice'),
    );
  }
  await runContextConsumerDemo(ctx);
  await step(ctx, 'the claims: made at admission, and the service-managed one', ['get', 'qclaim', '-A']);
  await quota(ctx, 'what each consumer may use, has allocated and has left, in display units', ['usage']);
  const refused = await step(
    ctx,
    "alice's third Project: her Personal tier allows 2, so this one is refused",
    ['create', '-f', '-'],
    project('alice-wiki', 'alice'),
  );
  ctx.say(
    refused.code === 0
      ? '\n(expected a refusal here: alice-wiki was admitted; see the operator log)'
      : "\nThat refusal is the demo's point: alice's Organization used its 2 Projects, so admission refused the\n" +
          'third with the message above. Upgrade her tier or add a ResourceGrant, and the same command succeeds.',
  );
}

const MILO_POLICIES = 'test/fixtures/milo-upstream/claim-policies';
const secret = (name: string) => [
  'create',
  'secret',
  'generic',
  name,
  '-n',
  'acme-web',
  '--from-literal=k=v',
];

/**
 * Milo's shipped Secret policy has no consumerRef: the consumer comes from the request's context, here the
 * namespace's labels (--context-consumer-labels, docs/admission.md). acme-web's namespace is labelled with
 * its Project; an unlabelled namespace is refused, saying what to set.
 */
async function runContextConsumerDemo(ctx: DemoContext): Promise<void> {
  await step(ctx, "Milo's Secret and ConfigMap registrations and its Secret claim policy (no consumerRef)", [
    'apply',
    '-f',
    `${MILO_POLICIES}/registrations.yaml`,
    '-f',
    `${MILO_POLICIES}/secret-claim-policy.yaml`,
  ]);
  await step(ctx, 'policy ready', [
    'wait',
    '--for=condition=Ready',
    '--timeout=60s',
    'claimcreationpolicies.quota.miloapis.com/project-secret-claim-policy',
  ]);
  await until(
    ctx,
    'the enforcement webhook to cover Secrets',
    [
      'get',
      'validatingwebhookconfiguration',
      'milo-quota-enforcement',
      '-o',
      'jsonpath={.webhooks[0].rules[*].resources[0]}',
    ],
    (out) => out.split(' ').includes('secrets'),
  );
  await run(ctx, ['create', 'namespace', 'acme-web']);
  await run(ctx, ['create', 'namespace', 'scratch']);
  await step(ctx, "the platform maps acme-web's namespace to its Project (tenants cannot)", [
    'label',
    'namespace',
    'acme-web',
    'resourcemanager.miloapis.com/project-name=acme-web',
  ]);
  await step(
    ctx,
    'Project acme-web may have 2 Secrets',
    ['apply', '-f', '-'],
    `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceGrant
metadata: {name: acme-web-secrets, namespace: quota-system}
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Project, name: acme-web}
  allowances: [{resourceType: core.miloapis.com/secrets, buckets: [{amount: 2}]}]
`,
  );
  await step(ctx, 'grant active', [
    'wait',
    '--for=condition=Active',
    '--timeout=60s',
    '-n',
    'quota-system',
    'resourcegrants.quota.miloapis.com/acme-web-secrets',
  ]);
  for (const name of ['db-password', 'api-key', 'one-too-many']) {
    await step(ctx, 'a Secret in acme-web, charged to Project acme-web', secret(name));
  }
  await step(ctx, 'a Secret in a namespace mapped to no consumer', [
    'create',
    'secret',
    'generic',
    'stray',
    '-n',
    'scratch',
    '--from-literal=k=v',
  ]);
}

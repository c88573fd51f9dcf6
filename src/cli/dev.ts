// `make run`: the operator with a demo on a local control plane, or on the cluster KUBECONFIG names.
// Ctrl-C stops everything it started. `BUCKET_PLACEMENT=milo make run` (or `--bucket-placement=milo` after
// `node src/cli/dev.ts`) runs it with Milo's bucket placement; the platform's namespaces are made first.
// `MQ_DEV_MEMBER=1 make run` also starts a member cluster (a second local control plane, no operator), runs the
// operator with --enable-members, and ends the demo with Secrets created in the member (src/cli/member.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { type ControlPlane, kubeBinary, startControlPlane } from '../envtest/index.ts';
import { startOperator } from '../operator/operator.ts';
import { parseOperatorOptions } from '../operator/options.ts';
import { installCrds, runDemo } from './demo.ts';
import { DEMO_MEMBER, runMemberDemo } from './member.ts';

/** `MQ_DEV_MEMBER=1`: a member cluster beside the local control plane. */
function wantMember(): boolean {
  const value = process.env.MQ_DEV_MEMBER ?? '';
  if (!['', '0', '1'].includes(value))
    throw new Error(`MQ_DEV_MEMBER="${value}": set it to 1 to start a member cluster, or leave it unset`);
  if (value === '1' && process.env.KUBECONFIG)
    throw new Error('MQ_DEV_MEMBER=1 needs the local control plane: unset KUBECONFIG');
  return value === '1';
}

async function main(): Promise<void> {
  const withMember = wantMember();
  let plane: ControlPlane | undefined;
  let member: ControlPlane | undefined;
  const kubeConfig = new KubeConfig();
  let kubeconfigPath: string;
  if (process.env.KUBECONFIG) {
    kubeConfig.loadFromDefault();
    kubeconfigPath = process.env.KUBECONFIG;
    console.log(`using the cluster from KUBECONFIG (${kubeConfig.getCurrentCluster()?.server})`);
    console.log(
      'note: webhooks are off here (a remote apiserver cannot call this process); deploy with config/default',
    );
  } else {
    console.log(
      'no KUBECONFIG: starting a local control plane (etcd, kube-apiserver, kube-controller-manager)',
    );
    const started = Date.now();
    plane = await startControlPlane({ exitOnSignal: false });
    kubeConfig.loadFromFile(plane.kubeconfigPath);
    kubeconfigPath = plane.kubeconfigPath;
    console.log(`control plane ready in ${Date.now() - started} ms at ${plane.server}`);
  }
  if (withMember) {
    console.log(`MQ_DEV_MEMBER=1: starting member cluster ${DEMO_MEMBER} (etcd, kube-apiserver)`);
    member = await startControlPlane({ exitOnSignal: false, controllerManager: false });
    console.log(`member ${DEMO_MEMBER} ready at ${member.server}`);
  }
  const kubectl = await kubeBinary();
  const ctx = { kubectl, kubeconfig: kubeconfigPath, say: (line: string) => console.log(line) };
  await installCrds(ctx);
  // Locally the apiserver calls the webhook at https://127.0.0.1:<free port>, presenting its webhook client
  // certificate (only it is served); a remote apiserver cannot reach this process.
  const webhook = plane
    ? [
        '--webhook-url-host=127.0.0.1',
        '--webhook-port=0',
        `--webhook-client-ca-file=${plane.webhookClientCaFile}`,
      ]
    : ['--enable-webhooks=false'];
  // the member's apiserver calls https://127.0.0.1:<webhook port>/members/<name>/enforce
  const members = member ? ['--enable-members', '--member-webhook-host=127.0.0.1'] : [];
  const args = ['--leader-elect=false', '--log-level=warn', ...webhook, ...members, ...process.argv.slice(2)];
  const options = parseOperatorOptions(args, process.env);
  if (options.bucketPlacement === 'milo') await miloNamespaces(kubectl, kubeconfigPath);
  const operator = startOperator(kubeConfig, options, {
    handleSignals: false,
  });
  await operator.manager.elected;
  await operator.webhooks?.configurations.applied;
  console.log('\noperator running (metrics, probes and webhook on local ports)');
  await runDemo(ctx);
  if (member) await runMemberDemo(ctx, member, options.namespace);
  console.log(
    `\npoint kubectl at it:\n  export KUBECONFIG=${kubeconfigPath}\n  alias kubectl='${kubectl} kubectl'`,
  );
  if (member) console.log(`the member cluster ${DEMO_MEMBER}: KUBECONFIG=${member.kubeconfigPath}`);
  console.log('running; press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('stopping');
  await operator.stop();
  await member?.stop();
  await plane?.stop();
}

/** The organizations of the demo (config/samples/resourcemanager/examples). */
const DEMO_ORGANIZATIONS = ['acme', 'alice'];

/**
 * --bucket-placement=milo puts an Organization's buckets in `organization-<name>` and the others in
 * `milo-system`. Milo's platform makes those namespaces, the operator does not (it may not create
 * namespaces); here they are made for the demo's Organizations.
 */
async function miloNamespaces(kubectl: string, kubeconfig: string): Promise<void> {
  const names = ['milo-system', ...DEMO_ORGANIZATIONS.map((org) => `organization-${org}`)];
  console.log(`bucket placement milo: buckets in ${names.join(', ')} (made here, as Milo's platform would)`);
  const manifest = names.map((name) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`);
  const apply = promisify(execFile)(kubectl, ['kubectl', `--kubeconfig=${kubeconfig}`, 'apply', '-f', '-']);
  apply.child.stdin?.end(manifest.join('---\n'));
  await apply;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

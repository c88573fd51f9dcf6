// `make run`: the operator with a demo on a local control plane, or on the
// cluster KUBECONFIG names. Ctrl-C stops everything it started.
import { KubeConfig } from '@kubernetes/client-node';
import { type ControlPlane, kubeBinary, startControlPlane } from '../envtest/index.ts';

async function main(): Promise<void> {
  let plane: ControlPlane | undefined;
  const kubeConfig = new KubeConfig();
  if (process.env.KUBECONFIG) {
    kubeConfig.loadFromDefault();
    console.log(`using the cluster from KUBECONFIG (${kubeConfig.getCurrentCluster()?.server})`);
  } else {
    console.log(
      'no KUBECONFIG: starting a local control plane (etcd, kube-apiserver, kube-controller-manager)',
    );
    const started = Date.now();
    plane = await startControlPlane({ exitOnSignal: false });
    kubeConfig.loadFromFile(plane.kubeconfigPath);
    console.log(`control plane ready in ${Date.now() - started} ms at ${plane.server}`);
    console.log(`point kubectl at it (any kubectl, or the one built with the control plane):`);
    console.log(`  export KUBECONFIG=${plane.kubeconfigPath}`);
    console.log(`  alias kubectl='${await kubeBinary()} kubectl'`);
  }
  console.log('running; press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('stopping');
  await plane?.stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

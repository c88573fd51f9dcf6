// Upstream's scenarios name per-control-plane kubeconfigs (`clusters:` in chainsaw-test.yaml). A Project's
// control plane is `.../projects/<name>/control-plane` on Milo's apiserver; on one cluster its analogue is a
// namespace labelled with that Project (the consumer-from-context rules, docs/admission.md). This reads which
// Project a scenario's cluster stands for.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

interface Kubeconfig {
  clusters?: { cluster?: { server?: string } }[];
}
interface ChainsawTest {
  spec?: { clusters?: Record<string, { kubeconfig?: string }> };
}

/** The Project whose control plane `cluster` (a name under the test's `clusters:`) points at, if any. */
export function projectOfCluster(dir: string, cluster: string): string | undefined {
  const test = load(readFileSync(join(dir, 'chainsaw-test.yaml'), 'utf8')) as ChainsawTest;
  const file = test.spec?.clusters?.[cluster]?.kubeconfig;
  if (!file || !existsSync(join(dir, file))) return undefined;
  const config = load(readFileSync(join(dir, file), 'utf8')) as Kubeconfig;
  for (const c of config.clusters ?? []) {
    const m = /\/projects\/([^/]+)\/control-plane\/?$/.exec(c.cluster?.server ?? '');
    if (m?.[1]) return m[1];
  }
  return undefined;
}

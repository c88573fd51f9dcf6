// Finds the cluster the way kubectl does: --kubeconfig, else $KUBECONFIG (a list; the first file to set a
// name wins), else ~/.kube/config, else the in-cluster service account; then --context or the current one.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { CliError, UsageError } from './errors.ts';
import type { GlobalFlags } from './flags.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Connection {
  readonly kubeConfig: KubeConfig;
  /** -n, else the context's namespace, else `default`. */
  readonly namespace: string;
}

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const NO_CONFIG_FIX =
  'set KUBECONFIG, pass --kubeconfig <file>, or create ~/.kube/config (e.g. with your cloud CLI or kind)';

function load(file: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (error) {
    throw new CliError(
      `cannot read kubeconfig ${file} (${(error as Error).message})`,
      'fix or replace the file',
    );
  }
  return kc;
}

/** Merges kubeconfig files with kubectl's rule: the first file to define a name (or current-context) wins. */
function merge(files: readonly string[]): KubeConfig {
  const [first, ...rest] = files.map(load);
  if (first === undefined) throw new CliError('no kubeconfig file to load', NO_CONFIG_FIX);
  for (const next of rest) {
    for (const c of next.clusters) if (!first.clusters.some((x) => x.name === c.name)) first.addCluster(c);
    for (const u of next.users) if (!first.users.some((x) => x.name === u.name)) first.addUser(u);
    for (const c of next.contexts) if (!first.contexts.some((x) => x.name === c.name)) first.addContext(c);
    if (!first.currentContext) first.setCurrentContext(next.currentContext);
  }
  return first;
}

function findConfig(flags: GlobalFlags, env: Env): KubeConfig {
  if (flags.kubeconfig !== undefined) {
    if (!existsSync(flags.kubeconfig)) {
      throw new UsageError(
        `--kubeconfig: file ${flags.kubeconfig} does not exist`,
        'pass the path of a kubeconfig file',
        {
          flag: '--kubeconfig',
        },
      );
    }
    return load(flags.kubeconfig);
  }
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  if (listed.length > 0) {
    const present = listed.filter((f) => existsSync(f));
    if (present.length === 0)
      throw new CliError(`KUBECONFIG names no existing file (${env.KUBECONFIG})`, NO_CONFIG_FIX);
    return merge(present);
  }
  const home = env.HOME ?? env.USERPROFILE;
  const fallback = home === undefined ? undefined : join(home, '.kube', 'config');
  if (fallback !== undefined && existsSync(fallback)) return load(fallback);
  if (env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(IN_CLUSTER_TOKEN)) {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  throw new CliError('no kubeconfig found and not running in a cluster', NO_CONFIG_FIX);
}

export function connect(flags: GlobalFlags, env: Env): Connection {
  const kc = findConfig(flags, env);
  if (flags.context !== undefined) {
    if (kc.getContextObject(flags.context) === null) {
      const names = kc.getContexts().map((c) => c.name);
      throw new UsageError(
        `--context: no context "${flags.context}" in the kubeconfig`,
        names.length > 0 ? `use one of: ${names.join(', ')}` : 'the kubeconfig defines no contexts',
        { flag: '--context' },
      );
    }
    kc.setCurrentContext(flags.context);
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  if (context === null) {
    throw new CliError(
      'the kubeconfig has no current context',
      'pass --context <name> or run kubectl config use-context',
    );
  }
  if (kc.getCurrentCluster() === null) {
    throw new CliError(
      `context "${context.name}" names no known cluster`,
      'fix the context in your kubeconfig',
    );
  }
  return { kubeConfig: kc, namespace: flags.namespace ?? context.namespace ?? 'default' };
}

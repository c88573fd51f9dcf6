// Locates the multi-call control-plane binary, building it on first use.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../../tools/kube/build.sh', import.meta.url));

let cached: Promise<string> | undefined;

/**
 * The path of the binary holding etcd, kube-apiserver, kube-controller-manager
 * and kubectl. `KUBE_BIN` overrides it; otherwise tools/kube/build.sh builds it
 * (a cold build takes tens of minutes, a warm one returns at once).
 */
export function kubeBinary(): Promise<string> {
  const fromEnv = process.env.KUBE_BIN;
  if (fromEnv) return Promise.resolve(fromEnv);
  cached ??= run('bash', [buildScript], { maxBuffer: 1 << 20 }).then(({ stdout }) => stdout.trim());
  return cached;
}

// Helpers for the deployment tests: kustomize builds, the operator as a separate process with a kubeconfig
// of our choosing (a ServiceAccount's token), its log, and kstatus from the harness binary.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadAll } from 'js-yaml';
import { type ControlPlane, kubeBinary, renderKubeconfig } from '../../../src/envtest/index.ts';
import { kubectlOk, repoPath } from '../../support/kube.ts';

const run = promisify(execFile);

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
  };
  [field: string]: unknown;
}

/** `kubectl kustomize <dir>` with the harness's kubectl (no apiserver needed). */
export async function kustomize(dir: string): Promise<Manifest[]> {
  const { stdout } = await run(await kubeBinary(), ['kubectl', 'kustomize', repoPath(dir)], {
    maxBuffer: 64 << 20,
  });
  return loadAll(stdout) as Manifest[];
}

export interface KstatusLine {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status: string;
  readonly message: string;
}

/** cli-utils' kstatus (status.Compute) over objects given as JSON or YAML, via `kube kstatus -o json`. */
export async function kstatus(objects: string): Promise<KstatusLine[]> {
  const binary = await kubeBinary();
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(binary, ['kstatus', '-o', 'json'], { maxBuffer: 64 << 20 }, (error, out, err) =>
      error ? reject(new Error(`kube kstatus failed: ${err}`)) : resolve(out),
    );
    child.stdin?.end(objects);
  });
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as KstatusLine);
}

export const OPERATOR_SA = 'milo-quota-operator';
export const OPERATOR_NS = 'quota-system';
export const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NS}:${OPERATOR_SA}`;

/**
 * A kubeconfig holding a token of the operator's ServiceAccount, minted with the TokenRequest API
 * (POST .../serviceaccounts/<sa>/token, which `kubectl create token` calls), written into the plane's dir.
 */
export async function serviceAccountKubeconfig(plane: ControlPlane): Promise<string> {
  const token = (
    await kubectlOk(plane, ['create', 'token', OPERATOR_SA, '-n', OPERATOR_NS, '--duration=2h'])
  ).trim();
  const path = join(plane.dir, 'operator-sa.kubeconfig');
  writeFileSync(
    path,
    renderKubeconfig({ server: plane.server, caCert: plane.pki.ca.cert, token, name: 'operator-sa' }),
    { mode: 0o600 },
  );
  return path;
}

/** The operator's container command, as a child process of the test, with its output in a log file. */
export class OperatorUnderTest {
  readonly logPath: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  constructor(kubeconfigPath: string, args: readonly string[], logPath: string) {
    this.logPath = logPath;
    const log = createWriteStream(logPath);
    this.#child = spawn(process.execPath, [repoPath('src/operator/main.ts'), ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfigPath, POD_NAMESPACE: OPERATOR_NS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.pipe(log);
    this.#child.stderr?.pipe(log);
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
  }

  log(): string {
    return readFileSync(this.logPath, 'utf8');
  }

  /** SIGTERM, as the kubelet stops a pod, and SIGKILL after the pod's grace period; waits for the exit. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * Log lines that show the apiserver refused the operator a permission: RBAC's message is
 * `... is forbidden: User "<user>" cannot <verb> resource ...`, and the client reports `403 Forbidden`.
 */
export function forbiddenLines(log: string): string[] {
  return log.split('\n').filter((line) => /is forbidden: User|403 Forbidden/.test(line));
}

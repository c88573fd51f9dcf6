// The operator as a separate process (the way it runs in a pod), so tests can SIGKILL and restart it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { repoPath } from './kube.ts';

export class OperatorProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  readonly #plane: ControlPlane;
  readonly #args: readonly string[];
  readonly #env: Readonly<Record<string, string>>;
  #starts = 0;

  /** `env` is added to the test's environment (e.g. NODE_OPTIONS, as the Deployment sets it). */
  constructor(plane: ControlPlane, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}) {
    this.#plane = plane;
    this.#env = env;
    // no webhooks by default: a killed operator would fail every quota write (failurePolicy Fail); pass
    // --enable-webhooks=true --webhook-url-host=127.0.0.1 --webhook-port=0 to serve them, to the apiserver
    // only (the client CA below; ignored while webhooks are off)
    this.#args = [
      '--leader-elect=false',
      '--metrics-port=0',
      '--probe-port=0',
      '--log-level=info',
      '--enable-webhooks=false',
      `--webhook-client-ca-file=${plane.webhookClientCaFile}`,
      ...args,
    ];
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The log of the current (or last) process. */
  get logPath(): string {
    return join(this.#plane.dir, `operator-${Math.max(0, this.#starts - 1)}.log`);
  }

  /** How the current process ended (`code 134`, `signal SIGKILL`), or undefined while it runs. */
  get ended(): string | undefined {
    const child = this.#child;
    if (child === undefined) return 'never started';
    if (child.signalCode !== null) return `signal ${child.signalCode}`;
    return child.exitCode === null ? undefined : `code ${child.exitCode}`;
  }

  start(): void {
    const log = createWriteStream(join(this.#plane.dir, `operator-${this.#starts++}.log`));
    const child = spawn(process.execPath, [repoPath('src/operator/main.ts'), ...this.#args], {
      env: { ...process.env, ...this.#env, KUBECONFIG: this.#plane.kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** SIGKILL: no drain, no lease release, writes in flight lost mid-way. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM: a clean shutdown. */
  async stop(): Promise<void> {
    this.#child?.kill('SIGTERM');
    await this.#exited;
  }
}

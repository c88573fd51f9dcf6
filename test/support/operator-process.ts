// The operator as a separate process (the way it runs in a pod), so tests can SIGKILL and restart it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlane } from '../../src/envtest/index.ts';
import { repoPath } from './kube.ts';

export interface OperatorProcessOptions {
  /** Reach the apiserver through this kubeconfig (a fault proxy's) instead of the plane's own. */
  readonly kubeconfigPath?: string;
  /**
   * Names the replica: each start leads as `<name>-<start number>` (`--leader-election-id`), so the Lease
   * tells which process holds it, and a restarted process is a new candidate that waits out the old lease.
   */
  readonly name?: string;
  /** Added to the test's environment (e.g. NODE_OPTIONS, as the Deployment sets it). */
  readonly env?: Readonly<Record<string, string>>;
}

export class OperatorProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  readonly #plane: ControlPlane;
  readonly #args: readonly string[];
  readonly #options: OperatorProcessOptions;
  #starts = 0;
  #identity: string | undefined;
  #logPath = '';
  #exitCode: number | string | undefined;

  constructor(plane: ControlPlane, args: readonly string[] = [], options: OperatorProcessOptions = {}) {
    this.#plane = plane;
    this.#options = options;
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

  /** The Lease identity of the current start (with `options.name`), else undefined. */
  get identity(): string | undefined {
    return this.#identity;
  }

  /** How the current start exited (code or signal), undefined while it runs. */
  get exitCode(): number | string | undefined {
    return this.#exitCode;
  }

  /** Settles when the current start has exited (at once if never started). */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** The log of the current (or last) process. */
  get logPath(): string {
    return this.#logPath;
  }

  /** How the current process ended (`code 134`, `signal SIGKILL`), or undefined while it runs. */
  get ended(): string | undefined {
    const child = this.#child;
    if (child === undefined) return 'never started';
    if (child.signalCode !== null) return `signal ${child.signalCode}`;
    return child.exitCode === null ? undefined : `code ${child.exitCode}`;
  }

  start(): void {
    const start = this.#starts++;
    const { name, kubeconfigPath = this.#plane.kubeconfigPath } = this.#options;
    this.#identity = name === undefined ? undefined : `${name}-${start}`;
    this.#logPath = join(this.#plane.dir, `operator-${this.#identity ?? start}.log`);
    const log = createWriteStream(this.#logPath);
    const id = this.#identity === undefined ? [] : [`--leader-election-id=${this.#identity}`];
    const child = spawn(process.execPath, [repoPath('src/operator/main.ts'), ...this.#args, ...id], {
      env: { ...process.env, ...this.#options.env, KUBECONFIG: kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.#child = child;
    this.#exitCode = undefined;
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? signal ?? 'exited';
        resolve();
      }),
    );
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

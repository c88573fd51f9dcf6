// One control-plane process (etcd, kube-apiserver, ...) with its log file.
// Every live component is tracked so that an exiting or interrupted parent
// kills it; the Go binary also stops by itself once its parent is gone
// (KUBE_EXIT_WITH_PARENT), which covers a parent killed with SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const live = new Set<Component>();

export class Component {
  readonly name: string;
  readonly logPath: string;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);

  private readonly binary: string;
  private readonly args: readonly string[];

  constructor(name: string, binary: string, args: readonly string[], logPath: string) {
    this.name = name;
    this.binary = binary;
    this.args = args;
    this.logPath = logPath;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const log = openSync(this.logPath, 'a');
    const child = spawn(this.binary, [this.name, ...this.args], {
      stdio: ['ignore', log, log],
      env: { ...process.env, KUBE_EXIT_WITH_PARENT: '1' },
    });
    closeSync(log);
    this.child = child;
    live.add(this);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        live.delete(this);
        resolve(code);
      });
      child.once('error', () => {
        live.delete(this);
        resolve(null);
      });
    });
  }

  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  waitExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Ends the process at once, as a crash would. */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Sends SIGSTOP/SIGCONT, to simulate a hung (not dead) process. */
  pause(paused: boolean): void {
    this.child?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  /** The last `lines` lines of the log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}

/** Kills every live component synchronously; safe to call from an 'exit' handler. */
export function killAllComponents(): void {
  for (const component of live) {
    const pid = component.pid;
    if (pid === undefined) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

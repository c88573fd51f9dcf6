// Spawns fixtures/manager-proc.ts operator processes and collects the JSON lines they report.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Report {
  event: 'listening' | 'elected' | 'reconcile' | 'reconciled' | 'stopped';
  identity: string;
  t: number;
  key?: string;
  probePort?: number;
  metricsPort?: number;
}

export interface ManagerProcess {
  identity: string;
  child: ChildProcess;
  reports: Report[];
  exited: Promise<number | null>;
  stderr: () => string;
  seen(event: Report['event'], key?: string): Report | undefined;
}

const fixture = fileURLToPath(new URL('./fixtures/manager-proc.ts', import.meta.url));

export function spawnManager(
  kubeconfig: string,
  identity: string,
  args: { namespace: string; lease: string; workMs?: number },
): ManagerProcess {
  const child = spawn(
    process.execPath,
    [
      fixture,
      kubeconfig,
      `--identity=${identity}`,
      `--namespace=${args.namespace}`,
      `--lease=${args.lease}`,
      `--work-ms=${args.workMs ?? 0}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const reports: Report[] = [];
  let err = '';
  child.stderr?.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-20_000);
  });
  if (child.stdout)
    createInterface(child.stdout).on('line', (line) => reports.push(JSON.parse(line) as Report));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    identity,
    child,
    reports,
    exited,
    stderr: () => err,
    seen: (event, key) => reports.find((r) => r.event === event && (key === undefined || r.key === key)),
  };
}

/** SIGKILLs whatever is still running (test cleanup). */
export async function killAll(procs: ManagerProcess[]): Promise<void> {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
}

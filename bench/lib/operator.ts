// The operator as its own process (as in a pod), on known probe and metrics ports, so a benchmark can time
// start → /readyz, read its RSS and CPU from /proc, and scrape /metrics.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ControlPlane, freePorts } from '../../src/envtest/index.ts';
import { repoPath } from '../../test/support/kube.ts';

export interface OperatorHandle {
  readonly pid: number;
  readonly startedAt: number;
  readonly probePort: number;
  readonly metricsPort: number;
  /** Resolves with ms from spawn to the first 200 from /readyz. */
  waitReady(timeoutMs?: number): Promise<number>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

let starts = 0;

export async function spawnOperator(
  plane: ControlPlane,
  options: {
    nodeFlags?: readonly string[];
    args?: readonly string[];
    /** Default: the plane's admin kubeconfig. */
    kubeconfigPath?: string;
  } = {},
): Promise<OperatorHandle> {
  const [probePort, metricsPort] = (await freePorts(2)) as [number, number];
  const log = createWriteStream(join(plane.dir, `bench-operator-${starts++}.log`));
  const args = [
    ...(options.nodeFlags ?? []),
    // for a look inside any benchmark's operator, e.g. MQ_BENCH_OPERATOR_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p"
    ...(process.env.MQ_BENCH_OPERATOR_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    repoPath('src/operator/main.ts'),
    '--leader-elect=false',
    `--probe-port=${probePort}`,
    `--metrics-port=${metricsPort}`,
    '--log-level=warn',
    // The decision path only: the quota-kind validation webhook (failurePolicy Fail) would also sit on every
    // claim create; the admission benchmark measures webhooks.
    '--enable-webhooks=false',
    // when a benchmark turns webhooks on, only the apiserver may call them, as in production
    `--webhook-client-ca-file=${plane.webhookClientCaFile}`,
    ...(options.args ?? []),
  ];
  const startedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, KUBECONFIG: options.kubeconfigPath ?? plane.kubeconfigPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('the operator process did not start');
  const get = async (port: number, path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  };
  return {
    pid,
    startedAt,
    probePort,
    metricsPort,
    async waitReady(timeoutMs = 300_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null)
          throw new Error(`the operator exited with ${child.exitCode}; see ${plane.dir}`);
        try {
          if ((await get(probePort, '/readyz')).status === 200) return performance.now() - startedAt;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`the operator was not ready within ${timeoutMs} ms`);
    },
    metrics: async () => (await get(metricsPort, '/metrics')).body,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The value of one Prometheus sample, e.g. `workqueue_depth{name="consumer"`, summed over label sets. */
export function metricValue(text: string, prefix: string): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      sum += value;
      found = true;
    }
  }
  return found ? sum : Number.NaN;
}

/** Resident set size and CPU seconds used so far, from /proc (Linux). */
export function processUsage(pid: number): { rssBytes: number; peakRssBytes: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  // /proc/<pid>/stat: fields after the command name; utime and stime are the 14th and 15th, in clock ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: kb('VmRSS') * 1024, peakRssBytes: kb('VmHWM') * 1024, cpuSeconds: ticks / 100 };
}

// kube-state-metrics, built from Go modules by tools/kube-state-metrics/build.sh (as promtool is), run against
// a test's control plane with the shipped custom-resource-state config. The cold build is long (686 s on the
// 2-core machine), so the test that uses it is opt-in: it runs when KSM_BIN is set or the build is cached
// (`make kube-state-metrics`), and `make test-ksm` builds and runs it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../../src/envtest/index.ts';
import { eventually } from './cluster.ts';
import { repoPath } from './kube.ts';

const run = promisify(execFile);

/** KSM_BIN, or the cached build's path when it exists (never starts a cold build). */
export async function cachedKubeStateMetrics(): Promise<string | undefined> {
  const fromEnv = process.env.KSM_BIN;
  if (fromEnv) return fromEnv;
  // build.sh prints the cached path at once when warm; when cold it would build, so ask for the key only
  const { stdout } = await run('bash', [repoPath('tools/kube-state-metrics/build.sh'), '--print-path'], {
    maxBuffer: 1 << 20,
  });
  const path = stdout.trim();
  return existsSync(path) ? path : undefined;
}

export interface RunningKubeStateMetrics {
  readonly url: string;
  scrape(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts kube-state-metrics with only the custom-resource state of `configFile`; resolves once it serves. */
export async function startKubeStateMetrics(
  binary: string,
  kubeconfigPath: string,
  configFile: string,
): Promise<RunningKubeStateMetrics> {
  const [port, telemetryPort] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(
    binary,
    [
      `--kubeconfig=${kubeconfigPath}`,
      '--custom-resource-state-only',
      `--custom-resource-state-config-file=${configFile}`,
      '--host=127.0.0.1',
      `--port=${port}`,
      '--telemetry-host=127.0.0.1',
      `--telemetry-port=${telemetryPort}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/metrics`;
  const scrape = async () => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    return res.text();
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await eventually('kube-state-metrics to serve /metrics', async () => {
      if (child.exitCode !== null) throw new Error(`kube-state-metrics exited ${child.exitCode}: ${log}`);
      return (await scrape()) !== undefined;
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nkube-state-metrics log:\n${log}`);
  }
  return { url, scrape, stop };
}

// helm, built from Go modules by tools/helm/build.sh on first use (as test/support/promtool.ts builds promtool),
// run with its cache, config and data directories in a scratch directory so tests leave nothing in $HOME.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoPath } from './kube.ts';

const run = promisify(execFile);
let cached: Promise<string> | undefined;

export const CHART = repoPath('config/helm/milo-quota');

/** The helm binary: `HELM_BIN`, or tools/helm/build.sh's cached build (minutes when cold). */
export function helmBinary(): Promise<string> {
  const fromEnv = process.env.HELM_BIN;
  if (fromEnv) return Promise.resolve(fromEnv);
  cached ??= run('bash', [repoPath('tools/helm/build.sh')], { maxBuffer: 1 << 20 }).then(({ stdout }) =>
    stdout.trim(),
  );
  return cached;
}

export interface HelmResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let home: string | undefined;

/** Runs helm with `args`; never throws on a non-zero exit (the caller asserts on it). */
export async function helm(args: readonly string[], kubeconfig?: string): Promise<HelmResult> {
  const bin = await helmBinary();
  if (home === undefined) {
    const made = mkdtempSync(join(tmpdir(), 'helm-home-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    home = made;
  }
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    ...(kubeconfig === undefined ? {} : { KUBECONFIG: kubeconfig }),
  };
  try {
    const { stdout, stderr } = await run(bin, [...args], { env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** helm that must succeed; returns stdout, or throws with helm's output. */
export async function helmOk(args: readonly string[], kubeconfig?: string): Promise<string> {
  const result = await helm(args, kubeconfig);
  if (result.code !== 0)
    throw new Error(`helm ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

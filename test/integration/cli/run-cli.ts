// Runs the plugin two ways: in-process through runQuota (fast, output captured), and as the real bin that
// kubectl discovers on PATH as `kubectl-quota` (a symlink, as npm installs it).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConnect, runQuota } from '../../../src/cli/quota/index.ts';
import { kubeBinary } from '../../../src/envtest/index.ts';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `kubectl quota <args>` in-process with the given environment (KUBECONFIG...). */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
  tty = false,
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runQuota(args, {
    stdout: {
      isTTY: tty,
      write: (s) => {
        stdout += s;
      },
    },
    stderr: {
      write: (s) => {
        stderr += s;
      },
    },
    env,
    now: () => new Date(),
    ...defaultConnect,
  });
  return { code, stdout, stderr };
}

const BIN = fileURLToPath(new URL('../../../bin/kubectl-quota.mjs', import.meta.url));

/** A directory holding a `kubectl-quota` symlink to the bin, removed by the returned function. */
export function pluginDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-plugin-'));
  symlinkSync(BIN, join(dir, 'kubectl-quota'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `kubectl quota <args>` as a user runs it: the harness's real kubectl finds the plugin on PATH, with this
 * Node.js first on PATH (the bin's `#!/usr/bin/env node` needs Node 24).
 */
export async function runKubectlPlugin(
  plugins: string,
  args: readonly string[],
  kubeconfig: string,
): Promise<CliResult> {
  const kube = await kubeBinary();
  const PATH = [plugins, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  return new Promise((resolve) => {
    execFile(
      kube,
      ['kubectl', 'quota', ...args],
      { env: { PATH, KUBECONFIG: kubeconfig, HOME: plugins } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

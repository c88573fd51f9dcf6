// Entry point of the `kubectl quota` plugin (bin/kubectl-quota.mjs imports this file).
import { defaultConnect, runQuota } from './run.ts';

process.exitCode = await runQuota(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => new Date(),
  ...defaultConnect,
});

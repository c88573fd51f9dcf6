import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliDeps } from './context.ts';
import { runQuota } from './run.ts';

function deps(env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const value: CliDeps = {
    stdout: {
      write: (s) => {
        out.stdout += s;
      },
    },
    stderr: {
      write: (s) => {
        out.stderr += s;
      },
    },
    env,
    now: () => new Date(0),
    connect: () => assert.fail('a bad command line must fail before connecting'),
    api: () => assert.fail('no API without a connection'),
  };
  return { deps: value, out };
}

describe('runQuota', () => {
  it('prints help on --help (exit 0) and without a command (exit 3)', async () => {
    const help = deps();
    assert.equal(await runQuota(['--help'], help.deps), 0);
    assert.match(help.out.stdout, /^kubectl quota: /);
    const verbHelp = deps();
    assert.equal(await runQuota(['wait', '--help'], verbHelp.deps), 0);
    assert.match(
      verbHelp.out.stdout,
      /Exit codes: 0 granted, 1 denied, 2 still pending at the timeout, 3 error/,
    );
    const none = deps();
    assert.equal(await runQuota([], none.deps), 3);
    assert.match(none.out.stderr, /Usage:/);
  });

  it('rejects unknown commands and bad flags with exit 3, before connecting', async () => {
    const unknown = deps();
    assert.equal(await runQuota(['top'], unknown.deps), 3);
    assert.equal(
      unknown.out.stderr,
      'error: unknown command "top": use one of: usage, explain, wait (kubectl quota --help)\n',
    );
    const bad = deps();
    assert.equal(await runQuota(['wait', 'claim', 'x', '--timeout', '5'], bad.deps), 3);
    assert.equal(
      bad.out.stderr,
      `error: --timeout: "5" has no unit: give a duration with a unit, e.g. --timeout=30s, --timeout=2m or --timeout=1m30s\nSee 'kubectl quota wait --help'.\n`,
    );
  });

  it('says when there is no kubeconfig', async () => {
    const { connect } = await import('./kubeconfig.ts');
    const none = deps({ HOME: '/nonexistent' });
    assert.equal(await runQuota(['usage'], { ...none.deps, connect }), 3);
    assert.match(none.out.stderr, /^error: no kubeconfig found and not running in a cluster: set KUBECONFIG/);
  });
});

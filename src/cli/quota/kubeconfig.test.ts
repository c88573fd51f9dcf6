import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CliError, UsageError } from './errors.ts';
import { connect } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubectl-quota-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(file: string, clusters: string[], current: string, namespace?: string): string {
  const path = join(dir, file);
  const ns = namespace === undefined ? '' : `, namespace: ${namespace}`;
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [${clusters.map((c) => `{name: ${c}, cluster: {server: 'https://${c}.example:6443'}}`).join(', ')}]
users: [{name: u, user: {token: t}}]
contexts: [${clusters.map((c) => `{name: ${c}, context: {cluster: ${c}, user: u${ns}}}`).join(', ')}]
current-context: '${current}'
`,
  );
  return path;
}

describe('connect', () => {
  const one = kubeconfig('one', ['a', 'b'], 'a', 'team-a');
  const two = kubeconfig('two', ['b', 'c'], 'c');

  it('uses --kubeconfig, the current context and its namespace', () => {
    const c = connect({ kubeconfig: one }, {});
    assert.equal(c.kubeConfig.getCurrentCluster()?.server, 'https://a.example:6443');
    assert.equal(c.namespace, 'team-a');
    assert.equal(connect({ kubeconfig: one, namespace: 'x' }, {}).namespace, 'x');
  });

  it('merges $KUBECONFIG files, the first file to set a name winning', () => {
    const c = connect({ context: 'c' }, { KUBECONFIG: `${one}:${join(dir, 'missing')}:${two}` });
    assert.equal(c.kubeConfig.getCurrentCluster()?.server, 'https://c.example:6443');
    assert.equal(c.namespace, 'default');
    assert.equal(connect({}, { KUBECONFIG: `${one}:${two}` }).kubeConfig.getCurrentContext(), 'a');
  });

  it('reads ~/.kube/config when nothing else is set, and says when there is none', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    renameSync(kubeconfig('home-config', ['h'], 'h'), join(home, '.kube', 'config'));
    assert.equal(
      connect({}, { HOME: home }).kubeConfig.getCurrentCluster()?.server,
      'https://h.example:6443',
    );
    assert.throws(
      () => connect({}, { HOME: join(dir, 'empty-home') }),
      /no kubeconfig found and not running in a cluster: set KUBECONFIG, pass --kubeconfig/,
    );
  });

  it('names the bad flag or setting', () => {
    assert.throws(
      () => connect({ kubeconfig: join(dir, 'nope') }, {}),
      (e) => e instanceof UsageError && e.flag === '--kubeconfig' && /does not exist/.test(e.message),
    );
    assert.throws(
      () => connect({ kubeconfig: one, context: 'zzz' }, {}),
      (e) =>
        e instanceof UsageError &&
        e.flag === '--context' &&
        /no context "zzz" in the kubeconfig: use one of: a, b/.test(e.message),
    );
    assert.throws(
      () => connect({}, { KUBECONFIG: join(dir, 'nope') }),
      (e) => e instanceof CliError && /KUBECONFIG names no existing file/.test(e.message),
    );
    const empty = kubeconfig('empty', ['a'], '');
    assert.throws(
      () => connect({ kubeconfig: empty }, {}),
      /the kubeconfig has no current context: pass --context/,
    );
    const broken = join(dir, 'broken');
    writeFileSync(broken, 'clusters: [unclosed');
    assert.throws(() => connect({ kubeconfig: broken }, {}), /cannot read kubeconfig .*broken/);
  });
});

// The generated argocd-cm patch: committed copy up to date, drift detected, and every health.lua
// carried into its argocd-cm key byte for byte.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { healthKey, PATCH_FILE, renderPatch } from '../../scripts/gen-argocd-cm.ts';
import { ARGOCD_DIR, healthScript, KINDS } from './fixtures.ts';

const GENERATOR = fileURLToPath(new URL('../../scripts/gen-argocd-cm.ts', import.meta.url));

function generator(...args: string[]) {
  return spawnSync(process.execPath, [GENERATOR, ...args], { encoding: 'utf8' });
}

describe('scripts/gen-argocd-cm.ts', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'argocd-cm-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('--check passes on the committed config/argocd', () => {
    const run = generator('--check');
    assert.equal(run.status, 0, `${run.stderr}${run.stdout}`);
  });

  it('--check fails when a source changed without regenerating, and regenerating fixes it', () => {
    const copy = join(scratch, 'argocd');
    cpSync(ARGOCD_DIR, copy, { recursive: true });
    appendFileSync(join(copy, 'health', 'ResourceClaim.lua'), '-- x\n');
    const drift = generator('--check', '--dir', copy);
    assert.equal(drift.status, 1);
    assert.match(
      drift.stderr,
      /out of date: .*ResourceClaim\/health\.lua.*argocd-cm-patch\.yaml.*run node scripts\/gen-argocd-cm\.ts/,
    );
    assert.equal(generator('--dir', copy).status, 0);
    const fixed = generator('--check', '--dir', copy);
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(readFileSync(join(copy, PATCH_FILE), 'utf8'), /^ {4}-- x$/m);
    const health = join(copy, 'resource_customizations', 'quota.miloapis.com', 'ResourceClaim', 'health.lua');
    assert.match(readFileSync(health, 'utf8'), /^local function num\(n\)$/m, 'the prelude is spliced in');
  });

  it('--check fails when a generated health.lua was edited by hand', () => {
    const copy = join(scratch, 'argocd-hand');
    cpSync(ARGOCD_DIR, copy, { recursive: true });
    appendFileSync(
      join(copy, 'resource_customizations', 'quota.miloapis.com', 'ResourceGrant', 'health.lua'),
      '-- y\n',
    );
    assert.equal(generator('--check', '--dir', copy).status, 1);
  });

  it('carries every health.lua into its argocd-cm key unchanged', () => {
    const patch = load(readFileSync(join(ARGOCD_DIR, PATCH_FILE), 'utf8'));
    assert.ok(typeof patch === 'object' && patch !== null && 'data' in patch && 'metadata' in patch);
    assert.deepEqual(patch.metadata, { name: 'argocd-cm' });
    const expected = Object.fromEntries(KINDS.map((kind) => [healthKey(kind), healthScript(kind)]));
    assert.deepEqual(patch.data, expected);
    assert.equal(
      healthKey('ResourceClaim'),
      'resource.customizations.health.quota.miloapis.com_ResourceClaim',
    );
  });

  it('rejects scripts a YAML literal block would not reproduce exactly, naming the file', () => {
    assert.throws(
      () => renderPatch([{ kind: 'X', source: 'return {}' }]),
      /X\/health\.lua: end it with exactly one newline/,
    );
    assert.throws(() => renderPatch([{ kind: 'X', source: 'return {}\n\n' }]), /exactly one newline/);
    assert.throws(() => renderPatch([{ kind: 'X', source: 'a\r\nb\n' }]), /LF line endings/);
    assert.throws(() => renderPatch([{ kind: 'X', source: '  return {}\n' }]), /first line/);
  });

  it('keeps blank lines and indentation inside scripts', () => {
    const source = 'local a = 1\n\n  if a then\n\treturn {}\n  end\n';
    const out = load(renderPatch([{ kind: 'K', source }]));
    assert.ok(typeof out === 'object' && out !== null && 'data' in out);
    assert.deepEqual(out.data, { [healthKey('K')]: source });
  });
});

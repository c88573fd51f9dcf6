// The committed CRD YAML must be exactly what scripts/gen-crds.ts generates from src/api.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import { renderCrdFiles, staleCrdFiles } from '../../scripts/gen-crds.ts';
import { buildCrd } from './crd.ts';
import { KIND_DEFINITIONS } from './kinds.ts';

const REPO = join(dirname(new URL(import.meta.url).pathname), '../..');

describe('config/crd', () => {
  it('matches the TypeScript definitions (run `node scripts/gen-crds.ts` after changing src/api)', () => {
    assert.deepEqual(staleCrdFiles(), []);
  });

  it('round-trips: each YAML file parses back to the CRD object', () => {
    const files = renderCrdFiles();
    for (const def of KIND_DEFINITIONS) {
      const path = [...files.keys()].find((p) => p.endsWith(`_${def.plural}.yaml`));
      assert.ok(path, def.plural);
      assert.deepEqual(load(files.get(path) ?? ''), JSON.parse(JSON.stringify(buildCrd(def))));
    }
  });

  it('detects an edited, missing or stray file in a copy of the repository', () => {
    const root = mkdtempSync(join(tmpdir(), 'crd-drift-'));
    try {
      cpSync(join(REPO, 'config/crd'), join(root, 'config/crd'), { recursive: true });
      assert.deepEqual(staleCrdFiles(root), []);
      const [first, second] = [...renderCrdFiles().keys()];
      appendFileSync(join(root, first ?? ''), '# edited\n');
      rmSync(join(root, second ?? ''));
      writeFileSync(join(root, 'config/crd/bases/stray.yaml'), 'x: 1\n');
      assert.deepEqual(staleCrdFiles(root).sort(), [first, second, 'config/crd/bases/stray.yaml'].sort());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('`node scripts/gen-crds.ts --check` passes on the committed files', () => {
    const out = execFileSync(process.execPath, [join(REPO, 'scripts/gen-crds.ts'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(out, '');
  });
});

// The layering rules that `make test` checks (.dependency-cruiser.cjs), run exactly as scripts/test.sh runs them
// but on small fixture trees: a tree that keeps every rule passes, and a tree that breaks each rule once fails,
// naming every rule and the import that breaks it. Without this, a rule with a mistyped path would pass forever.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const cruiser = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const config = join(root, '.dependency-cruiser.cjs');
const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Writes a fixture tree (path → source) beside the project's tsconfig and runs the rules over its src/. */
function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'));
  made.push(dir);
  copyFileSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  const run = spawnSync(process.execPath, [cruiser, 'src', '--config', config, '--output-type', 'err'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const lawful: Record<string, string> = {
  'src/api/types.ts': 'export type Amount = number;\n',
  'src/runtime/queue.ts':
    "import { EventEmitter } from 'node:events';\nexport const bus = new EventEmitter();\n",
  'src/quota/decide.ts': "import type { Amount } from '../api/types.ts';\nexport const zero: Amount = 0;\n",
  'src/policy/render.ts': "import { zero } from '../quota/decide.ts';\nexport const rendered = zero;\n",
  'src/cache/cache.ts': "import { bus } from '../runtime/queue.ts';\nexport const cache = bus;\n",
  'src/controllers/pass.ts': "import { cache } from '../cache/cache.ts';\nexport const pass = cache;\n",
  'src/webhook/server.ts':
    "import type { ObjectMeta } from '../api/meta.ts';\nimport { bus } from '../runtime/queue.ts';\nexport const s: [ObjectMeta?, typeof bus?] = [];\n",
  'src/api/meta.ts': 'export interface ObjectMeta { name?: string }\n',
  'src/admission/enforce.ts':
    "import { cache } from '../cache/cache.ts';\nimport { zero } from '../quota/decide.ts';\nexport const e = [cache, zero];\n",
};

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('pass on a tree that keeps every rule', () => {
    const run = cruise(lawful);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /no dependency violations found/);
  });

  it('fail on a tree that breaks each rule, naming the rule and the import', () => {
    const run = cruise({
      ...lawful,
      'src/runtime/leak.ts': "import { cache } from '../cache/cache.ts';\nexport const leak = cache;\n",
      'src/quota/io.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
      'src/policy/client.ts':
        "import { KubeConfig } from '@kubernetes/client-node';\nexport const kc = KubeConfig;\n",
      'src/quota/upward.ts': "import { pass } from '../controllers/pass.ts';\nexport const up = pass;\n",
      'src/admission/reach.ts': "import { pass } from '../controllers/pass.ts';\nexport const r = pass;\n",
      'src/webhook/quota.ts': "import { zero } from '../quota/decide.ts';\nexport const q = zero;\n",
      'src/cache/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'src/cache/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    assert.notEqual(run.status, 0, run.output);
    const expected: [string, RegExp][] = [
      ['runtime-imports-no-project-code', /src\/runtime\/leak\.ts → src\/cache\/cache\.ts/],
      ['quota-policy-are-pure', /src\/quota\/io\.ts → (node:)?fs/],
      ['quota-policy-are-pure', /src\/policy\/client\.ts → @kubernetes\/client-node/],
      ['quota-policy-are-pure', /src\/quota\/upward\.ts → src\/controllers\/pass\.ts/],
      ['webhook-knows-no-quota', /src\/webhook\/quota\.ts → src\/quota\/decide\.ts/],
      ['admission-not-controllers', /src\/admission\/reach\.ts → src\/controllers\/pass\.ts/],
      ['no-cycles', /src\/cache\/(a|b)\.ts →\s+src\/cache\/(a|b)\.ts →\s+src\/cache\/(a|b)\.ts/],
    ];
    for (const [rule, edge] of expected) {
      const line = new RegExp(`error ${rule}: ${edge.source}`);
      assert.match(run.output, line, `expected ${rule} on ${edge.source} in:\n${run.output}`);
    }
    assert.match(run.output, /x 7 dependency violations/);
  });
});

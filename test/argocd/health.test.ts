// The Argo CD health checks, tested the way Argo CD tests its bundled ones (every case of every
// health_test.yaml), but under the real Lua 5.1 interpreter with argocd-cm's library restrictions.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import {
  HEALTH_STATUSES,
  type HealthCase,
  healthCases,
  healthScript,
  KINDS,
  kindDirs,
  testdataFiles,
} from './fixtures.ts';
import { luaUnavailable, runHealthScript } from './lua-runner.ts';

const missingLua = luaUnavailable();

test('lua5.1 is installed (run scripts/ensure-lua.sh if not)', () => {
  assert.equal(missingLua, undefined, missingLua);
});

test('every quota kind has a health check directory, and nothing else is there', () => {
  assert.deepEqual(kindDirs(), [...KINDS].sort());
});

for (const kind of KINDS) {
  describe(`${kind} health.lua`, () => {
    const cases = healthCases(kind);
    const source = healthScript(kind);

    for (const c of cases) {
      it(`${c.inputPath} is ${c.status}`, () => {
        if (missingLua !== undefined) assert.fail(missingLua);
        assert.ok(
          HEALTH_STATUSES.some((s) => s === c.status),
          `${c.inputPath}: unknown status ${c.status}`,
        );
        assert.deepEqual(runHealthScript(source, c.obj, `${kind}/health.lua`), {
          status: c.status,
          message: c.message,
        });
      });
    }

    it('uses only Lua base functions (Argo CD loads no string, table or math library for argocd-cm)', () => {
      const code = source.replace(/--.*$/gm, '');
      const used = code.match(
        /\b(string|table|math|os|io|debug|coroutine|package)\s*\.|\brequire\b|\w\s*:\s*\w+\s*\(/g,
      );
      assert.equal(used, null, `${kind}/health.lua uses ${used?.join(', ')}`);
    });

    it('has a test for every testdata file', () => {
      const referenced = new Set(cases.map((c) => c.inputPath));
      const orphans = testdataFiles(kind).filter((f) => !referenced.has(f));
      assert.deepEqual(orphans, [], `${kind}: add these to health_test.yaml or delete them`);
    });

    it('covers no status, deletion, Healthy, Progressing and Degraded', () => {
      const has = (pred: (c: HealthCase) => boolean, what: string) =>
        assert.ok(cases.some(pred), `${kind}/health_test.yaml needs a case for ${what}`);
      has((c) => c.obj.status === undefined && c.status === 'Progressing', 'an object without status');
      has((c) => hasDeletionTimestamp(c) && c.status === 'Progressing', 'an object being deleted');
      has((c) => c.status === 'Healthy', 'Healthy');
      has((c) => c.status === 'Degraded', 'Degraded');
      has(
        (c) =>
          c.status === 'Progressing' && c.message.startsWith('Waiting for the quota operator to observe'),
        'a stale observedGeneration',
      );
    });
  });
}

function hasDeletionTimestamp(c: HealthCase): boolean {
  const meta = c.obj.metadata;
  return typeof meta === 'object' && meta !== null && 'deletionTimestamp' in meta;
}

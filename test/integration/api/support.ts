// Helpers for the API integration tests: install the generated CRDs (and the resourcemanager demo CRDs)
// into a real apiserver, and apply manifests with the harness's kubectl.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export { installCrds, kubectlFails, kubectlOk, REPO, repoPath } from '../../support/kube.ts';

/** YAML files of a directory, sorted by name. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** The `# expect-error: <text>` comment of a fixture. */
export function expectedError(file: string): string {
  const match = /^# expect-error: (.+)$/m.exec(readFileSync(file, 'utf8'));
  assert.ok(match?.[1], `${file} has no "# expect-error:" comment`);
  return match[1].trim();
}

/** Pretty JSON of an object, as input for `kubectl apply -f -`. */
export function manifest(obj: unknown): string {
  return JSON.stringify(obj);
}

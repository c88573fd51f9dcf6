// kubectl helpers for integration tests: run the harness's kubectl and fail with its output, install CRDs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane, KubectlResult } from '../../src/envtest/index.ts';
import { eventually } from './cluster.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const repoPath = (...parts: string[]): string => join(REPO, ...parts);

/** kubectl; fails the test with kubectl's output when it exits non-zero. */
export async function kubectlOk(
  plane: ControlPlane,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const result = await plane.kubectl(args, input === undefined ? {} : { input });
  assert.equal(result.code, 0, `kubectl ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** kubectl that must fail; returns stderr (where kubectl prints the apiserver's message). */
export async function kubectlFails(
  plane: ControlPlane,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const result: KubectlResult = await plane.kubectl(args, input === undefined ? {} : { input });
  assert.notEqual(result.code, 0, `kubectl ${args.join(' ')} unexpectedly succeeded:\n${result.stdout}`);
  return result.stderr;
}

/** `kubectl wait --for=condition=<condition>` on each of `targets` (`kind/name`), in `namespace` if given; 60 s. */
export async function waitForCondition(
  plane: ControlPlane,
  condition: string,
  targets: readonly string[],
  namespace?: string,
): Promise<void> {
  const where = namespace === undefined ? [] : ['-n', namespace];
  await kubectlOk(plane, ['wait', `--for=condition=${condition}`, '--timeout=60s', ...where, ...targets]);
}

/** Installs config/crd and config/samples/resourcemanager and waits until every CRD is Established. */
export async function installCrds(plane: ControlPlane): Promise<void> {
  await kubectlOk(plane, ['apply', '-k', repoPath('config/crd')]);
  await kubectlOk(plane, ['apply', '-k', repoPath('config/samples/resourcemanager')]);
  await kubectlOk(plane, ['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
}

/** Waits until the operator's enforcement webhook intercepts creates of every one of `resources` (plurals). */
export async function enforcementCovers(plane: ControlPlane, resources: readonly string[]): Promise<void> {
  await eventually(`the enforcement webhook to cover ${resources.join(', ')}`, async () => {
    const out = await kubectlOk(plane, [
      'get',
      'validatingwebhookconfiguration',
      'milo-quota-enforcement',
      '-o',
      'jsonpath={.webhooks[0].rules[*].resources[0]}',
    ]);
    const covered = out.split(' ');
    return resources.every((r) => covered.includes(r));
  });
}

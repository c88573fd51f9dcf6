// What config/manager/deployment.yaml gives the operator's container, so the scale benchmark measures what
// is deployed: NODE_OPTIONS caps V8's young generation (--max-semi-space-size) and the old space, and RSS
// depends on both.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { repoPath } from '../../test/support/kube.ts';

/** The Deployment's NODE_OPTIONS as node flags (empty when it sets none). */
export function deploymentNodeFlags(): string[] {
  const deployment = load(readFileSync(repoPath('config/manager/deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const env = deployment.spec.template.spec.containers.flatMap((c) => c.env ?? []);
  const value = env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  return value.split(/\s+/).filter(Boolean);
}

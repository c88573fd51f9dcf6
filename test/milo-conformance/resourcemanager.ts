// Stand-in for the part of upstream Milo's resourcemanager controller that its quota scenarios wait for, on
// the stand-in CRDs of config/samples/resourcemanager: an Organization gets its namespace
// `organization-<name>` (labelled `resourcemanager.miloapis.com/organization-name=<name>`, the label the
// consumer-from-context rules read) and loses it when deleted; a Project gets `Ready=True`. Test harness
// only: the quota operator never does either.
import type { Kubectl } from './chainsaw.ts';

const ORG_LABEL = 'resourcemanager.miloapis.com/organization-name';
const MANAGED = 'milo-conformance.test/stand-in';

interface Listed {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
}

async function list(kubectl: Kubectl, args: readonly string[]): Promise<Listed['items']> {
  const r = await kubectl(['get', ...args, '-o', 'json']);
  if (r.code !== 0) throw new Error(`kubectl get ${args.join(' ')}: ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as Listed).items;
}

/** Reconciles every `intervalMs` until the returned stop function is called (and awaited). */
export function startResourceManagerStandIn(
  kubectl: Kubectl,
  log: (line: string) => void,
  intervalMs = 500,
): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const orgs = await list(kubectl, ['organizations.resourcemanager.miloapis.com']);
        const namespaces = await list(kubectl, ['namespaces', '-l', MANAGED]);
        const wanted = new Set(orgs.map((o) => `organization-${o.metadata.name}`));
        for (const org of orgs) {
          const ns = `organization-${org.metadata.name}`;
          if (namespaces.some((n) => n.metadata.name === ns)) continue;
          const manifest = {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: ns, labels: { [ORG_LABEL]: org.metadata.name, [MANAGED]: 'true' } },
          };
          const r = await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
          if (r.code !== 0) log(`stand-in: namespace ${ns}: ${r.stderr.trim()}`);
        }
        for (const ns of namespaces) {
          if (wanted.has(ns.metadata.name)) continue;
          await kubectl(['delete', 'namespace', ns.metadata.name, '--wait=false', '--ignore-not-found']);
        }
        for (const project of await list(kubectl, ['projects.resourcemanager.miloapis.com'])) {
          if (project.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
          const status = {
            status: {
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  reason: 'StandIn',
                  message: 'set by the conformance runner in place of Milo resourcemanager',
                  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
                },
              ],
            },
          };
          await kubectl([
            'patch',
            'projects.resourcemanager.miloapis.com',
            project.metadata.name,
            '--subresource=status',
            '--type=merge',
            '-p',
            JSON.stringify(status),
          ]);
        }
      } catch (error) {
        log(`stand-in: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

// Write requests the kube-apiserver has served, from its own `apiserver_request_total` counter, by resource
// (and subresource) and verb. Two scrapes around a measurement give the writes made during it; the
// apiserver's own Lease renewals (kube-system, every 10 s) are left out, as they are nobody's work here.
import type { ControlPlane } from '../../src/envtest/index.ts';

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'DELETECOLLECTION', 'APPLY']);

/** "resource[/subresource] VERB" → requests served so far. */
export type WriteCounts = Record<string, number>;

const label = (line: string, name: string): string =>
  new RegExp(`[{,]${name}="([^"]*)"`).exec(line)?.[1] ?? '';

export async function apiserverWrites(plane: ControlPlane): Promise<WriteCounts> {
  const { body } = await plane.get('/metrics');
  const counts: WriteCounts = {};
  for (const line of body.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = label(line, 'verb');
    const resource = label(line, 'resource');
    if (!WRITE_VERBS.has(verb) || resource === 'leases') continue;
    const subresource = label(line, 'subresource');
    const key = `${resource}${subresource ? `/${subresource}` : ''} ${verb}`;
    counts[key] = (counts[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counts;
}

/** `after − before`, keeping only the keys that moved. */
export function writesBetween(before: WriteCounts, after: WriteCounts): WriteCounts {
  const out: WriteCounts = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}

export const totalWrites = (counts: WriteCounts): number =>
  Object.values(counts).reduce((sum, n) => sum + n, 0);

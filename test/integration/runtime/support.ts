// Shared pieces of the runtime integration tests: ConfigMaps as the watched kind, cache-vs-LIST comparison,
// a churn generator, and a Prometheus text parser.
import { type Informer, type KubeClient, type KubeObject, kubeRequest } from '../../../src/runtime/index.ts';

export const configMaps = {
  group: '',
  version: 'v1',
  plural: 'configmaps',
  namespaced: true,
  kind: 'ConfigMap',
};

/** name → resourceVersion, the state two views must agree on. */
export type State = Map<string, string>;

export function cacheState(informer: Informer, namespace: string): State {
  return new Map(
    informer.list(namespace).map((o) => [o.metadata?.name ?? '', o.metadata?.resourceVersion ?? '']),
  );
}

export async function listState(
  client: KubeClient,
  namespace: string,
  labelSelector?: string,
): Promise<State> {
  const list = await kubeRequest<{ items: KubeObject[] }>(client.kubeConfig, {
    method: 'GET',
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    query: { labelSelector },
  });
  return new Map(list.items.map((o) => [o.metadata?.name ?? '', o.metadata?.resourceVersion ?? '']));
}

export function sameState(a: State, b: State): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

export function describeDiff(cache: State, list: State): string {
  const lines: string[] = [];
  for (const [k, v] of list)
    if (cache.get(k) !== v) lines.push(`${k}: cache ${cache.get(k) ?? 'missing'}, list ${v}`);
  for (const k of cache.keys()) if (!list.has(k)) lines.push(`${k}: in cache only`);
  return lines.join('; ');
}

export async function ensureNamespace(client: KubeClient, name: string): Promise<void> {
  const ns = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };
  await client.create(ns, { metadata: { name } }).catch((err: { status?: number }) => {
    if (err.status !== 409) throw err;
  });
}

/**
 * Random creates, updates and deletes over `names` ConfigMaps until `signal` aborts. Errors (the apiserver
 * being down, a delete racing a create) are counted and ignored: the point is a moving target.
 */
export async function churn(
  client: KubeClient,
  namespace: string,
  signal: AbortSignal,
  options: { names?: number; labels?: Record<string, string>; pauseMs?: number } = {},
): Promise<{ ok: number; failed: number }> {
  const counts = { ok: 0, failed: 0 };
  const names = options.names ?? 20;
  while (!signal.aborted) {
    const name = `cm-${Math.floor(Math.random() * names)}`;
    const roll = Math.random();
    try {
      if (roll < 0.4) {
        const metadata = { name, namespace, ...(options.labels ? { labels: options.labels } : {}) };
        await client.create(configMaps, { metadata, data: { v: String(Date.now()) } } as KubeObject);
      } else if (roll < 0.75) {
        await client.patch(configMaps, namespace, name, 'merge', { data: { v: String(Date.now()) } });
      } else {
        await client.delete(configMaps, namespace, name);
      }
      counts.ok += 1;
    } catch {
      counts.failed += 1;
      await new Promise((r) => setTimeout(r, 50)); // do not spin while the apiserver is down
    }
    if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
  }
  return counts;
}

/** Parses the Prometheus text format into samples; fails on a malformed line. */
export function parseMetrics(
  text: string,
): { name: string; labels: Record<string, string>; value: number }[] {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`malformed metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] ?? ''] = l[2] ?? '';
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return samples;
}

// Reads the claim a verb names, and turns "not found" into an error that suggests close names.
import type { ResourceClaim } from '../../api/index.ts';
import { ClaimNotFoundError, type ClaimRef, type QuotaApi } from '../../client/index.ts';

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to three names that look like `wanted` (a substring either way, or a few edits away). */
export function similarNames(wanted: string, names: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  return names
    .map((name) => ({ name, d: name.includes(wanted) || wanted.includes(name) ? 0 : distance(wanted, name) }))
    .filter((x) => x.d <= limit)
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : 1))
    .slice(0, 3)
    .map((x) => x.name);
}

export async function readClaim(api: QuotaApi, ref: ClaimRef): Promise<ResourceClaim> {
  const claim = await api.getClaim(ref);
  if (claim !== undefined) return claim;
  let names: string[] = [];
  try {
    names = (await api.listClaims(ref.namespace)).map((c) => c.metadata.name ?? '');
  } catch {
    // Suggestions are a courtesy: without list permission the plain error is enough.
  }
  const close = similarNames(ref.name, names);
  const list = `kubectl get resourceclaims -n ${ref.namespace}`;
  const fix =
    close.length > 0
      ? `did you mean ${close.map((n) => `"${n}"`).join(' or ')}? (${list})`
      : names.length > 0
        ? `check the name (${list}) or pass -n <namespace>`
        : `there are no claims in namespace "${ref.namespace}" that you can see: pass -n <namespace>`;
  throw new ClaimNotFoundError(ref, fix);
}

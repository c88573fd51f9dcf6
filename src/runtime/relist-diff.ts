// What changed between the cache and a fresh LIST. After a `410 Gone` or a restart, the watch events in
// between are lost; diffing the list against the cache recovers them as synthetic adds, updates and deletes,
// so handlers still see every deletion (the thing a watch-only client silently loses).
import { type KubeObject, objectKey } from './types.ts';

export interface RelistDiff {
  adds: KubeObject[];
  /** [cached, listed] pairs whose resourceVersion differs. */
  updates: [KubeObject, KubeObject][];
  /** Cached objects absent from the list: their last known state. */
  deletes: KubeObject[];
}

export function diffRelist(
  cached: ReadonlyMap<string, KubeObject>,
  listed: readonly KubeObject[],
): RelistDiff {
  const adds: KubeObject[] = [];
  const updates: [KubeObject, KubeObject][] = [];
  const deletes: KubeObject[] = [];
  const seen = new Set<string>();
  for (const obj of listed) {
    const key = objectKey(obj);
    seen.add(key);
    const old = cached.get(key);
    if (old === undefined) adds.push(obj);
    else if (old.metadata?.uid !== obj.metadata?.uid) {
      // Deleted and re-created under the same name while we were not watching: two events, not one update,
      // so handlers keyed by uid (owners, waiters) see the old object go.
      deletes.push(old);
      adds.push(obj);
    } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) updates.push([old, obj]);
  }
  for (const [key, old] of cached) if (!seen.has(key)) deletes.push(old);
  return { adds, updates, deletes };
}

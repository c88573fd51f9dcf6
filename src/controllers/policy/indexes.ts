// Cache indexes of the grant-creation engine: generated grants by the trigger uid and by the policy stamped
// on them (the only way the operator finds its grants), and trigger objects by uid (the engine's key).
import { LABEL_POLICY, LABEL_TRIGGER_UID } from '../../api/index.ts';
import type { QuotaCache } from '../../cache/index.ts';
import type { Informer, KubeObject } from '../../runtime/index.ts';

export const BY_TRIGGER_UID = 'policy.triggerUid';
export const BY_POLICY = 'policy.name';
export const BY_UID = 'metadata.uid';

const label = (obj: KubeObject, key: string): string | undefined => obj.metadata?.labels?.[key];

/** Only grants a policy made (both labels) are indexed by trigger uid. */
export function grantTriggerUid(obj: KubeObject): string[] {
  const uid = label(obj, LABEL_TRIGGER_UID);
  return uid !== undefined && label(obj, LABEL_POLICY) !== undefined ? [uid] : [];
}

export function grantPolicy(obj: KubeObject): string[] {
  const policy = label(obj, LABEL_POLICY);
  return policy === undefined ? [] : [policy];
}

export function objectUid(obj: KubeObject): string[] {
  const uid = obj.metadata?.uid;
  return uid === undefined ? [] : [uid];
}

function ensureIndex(informer: Informer, name: string, fn: (obj: KubeObject) => string[]): void {
  if (!informer.hasIndex(name)) informer.addIndex(name, fn);
}

export function addGrantIndexes(caches: QuotaCache): void {
  ensureIndex(caches.grants.informer, BY_TRIGGER_UID, grantTriggerUid);
  ensureIndex(caches.grants.informer, BY_POLICY, grantPolicy);
}

/** Trigger informers are shared (another policy or controller may use the kind), so add only once. */
export function addUidIndex(informer: Informer): void {
  ensureIndex(informer, BY_UID, objectUid);
}

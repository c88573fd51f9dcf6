// A trigger kind (group, version, kind as a policy names it) and the engine's work unit: one trigger object
// of one kind, keyed by uid. The uid, not the name, is the key because it is the only link a generated grant
// carries back to its trigger (the trigger-uid label), and it still names the trigger after it is gone.
import type { Request } from '../../runtime/index.ts';

export interface TriggerKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** `v1` → core group; `group/version` otherwise (the CRD pattern has already checked the shape). */
export function triggerKindOf(resource: { readonly apiVersion: string; readonly kind: string }): TriggerKind {
  const slash = resource.apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: resource.apiVersion, kind: resource.kind }
    : {
        group: resource.apiVersion.slice(0, slash),
        version: resource.apiVersion.slice(slash + 1),
        kind: resource.kind,
      };
}

/** `Kind.version.group` (`Kind.version` for core): no '/', so it fits the namespace half of a request key. */
export function kindKey(kind: TriggerKind): string {
  return kind.group === '' ? `${kind.kind}.${kind.version}` : `${kind.kind}.${kind.version}.${kind.group}`;
}

/** `Organization (resourcemanager.miloapis.com/v1alpha1)`, for messages. */
export function describeKind(kind: TriggerKind): string {
  return `${kind.kind} (${kind.group === '' ? kind.version : `${kind.group}/${kind.version}`})`;
}

/** The engine's request for one trigger object. */
export function triggerRequest(key: string, uid: string): Request {
  return { namespace: key, name: uid };
}

export function parseTriggerRequest(req: Request): { kindKey: string; uid: string } | undefined {
  if (req.namespace === '' || req.name === '') return undefined;
  return { kindKey: req.namespace, uid: req.name };
}

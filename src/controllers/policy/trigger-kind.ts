// A trigger kind (group, version, kind as a policy names it) and the engine's work unit: one trigger object
// of one kind, keyed by uid. The uid, not the name, is the key because it is the only link a generated grant
// carries back to its trigger (the trigger-uid label), and it still names the trigger after it is gone.

import type { CrdSummary } from '../../cache/index.ts';
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

/**
 * Why a policy's trigger kind is not enforced, and the three ways out; `crd` (the CRD defining the kind, if
 * any) says which one applies. Shared by both policy kinds' Ready messages.
 */
export function notServedMessage(kind: TriggerKind, crd: CrdSummary | undefined): string {
  return (
    `trigger kind ${describeKind(kind)} is not served by the API server: install its CRD, serve version ` +
    `${kind.version} in the CRD, or fix spec.trigger.resource${crd === undefined ? '' : `; ${crdState(crd)}`}`
  );
}

function crdState(crd: CrdSummary): string {
  const name = `CRD ${crd.name}`;
  if (crd.terminating) return `${name} is being deleted`;
  if (!crd.established) return `${name} is not Established yet (see its status conditions)`;
  if (crd.served.length === 0) return `${name} serves no version`;
  return `${name} serves ${crd.served.join(', ')}`;
}

/** The engine's request for one trigger object. */
export function triggerRequest(key: string, uid: string): Request {
  return { namespace: key, name: uid };
}

export function parseTriggerRequest(req: Request): { kindKey: string; uid: string } | undefined {
  if (req.namespace === '' || req.name === '') return undefined;
  return { kindKey: req.namespace, uid: req.name };
}

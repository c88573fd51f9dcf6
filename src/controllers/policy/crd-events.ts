// CRD changes as a source for the policy status controllers: a CRD that appears, changes what it serves or
// goes away re-queues the policies (of either kind) whose trigger names its group and kind, at any version,
// so Ready follows the apiserver without a restart or a poll.

import { crdGroupKinds, groupKindKey, servingChanged } from '../../cache/index.ts';
import {
  eventObjects,
  type Informer,
  type KubeObject,
  requestFor,
  type Source,
} from '../../runtime/index.ts';
import { triggerKindOf } from './trigger-kind.ts';

export const BY_TRIGGER_GROUP_KIND = 'policy.triggerGroupKind';

interface TriggerShape {
  readonly trigger?: { readonly resource?: { readonly apiVersion?: string; readonly kind?: string } };
}

/** Index function over both policy kinds: the trigger's `Kind.group`. */
export function triggerGroupKind(obj: KubeObject): string[] {
  const resource = (obj.spec as TriggerShape | undefined)?.trigger?.resource;
  if (resource?.apiVersion === undefined || resource.kind === undefined) return [];
  const { group, kind } = triggerKindOf({ apiVersion: resource.apiVersion, kind: resource.kind });
  return [groupKindKey(group, kind)];
}

/** The source: CRD events mapped to the policies in `policies` that trigger on the CRD's kind. */
export function crdChangesFor(crds: Informer, policies: Informer): Source {
  if (!policies.hasIndex(BY_TRIGGER_GROUP_KIND)) policies.addIndex(BY_TRIGGER_GROUP_KIND, triggerGroupKind);
  return {
    informer: crds,
    predicates: [servingChanged],
    map: (event) =>
      eventObjects(event)
        .flatMap(crdGroupKinds)
        .flatMap((key) => policies.byIndex(BY_TRIGGER_GROUP_KIND, key))
        .map(requestFor),
  };
}

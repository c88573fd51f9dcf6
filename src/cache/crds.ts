// CustomResourceDefinitions as the operator reads them: which group/version/kind each one serves. A CRD is the
// authority for its kind (discovery documents follow it asynchronously), so policy status and webhook rules
// ask the CRD cache first and fall back to discovery only for built-in and aggregated kinds. The informer
// keeps a slim copy (names, versions' served flags, Established, deletion) so a cluster's large schemas are
// not held in memory.
import { jsonEqual } from '../api/index.ts';
import type { InformerFactory, KubeObject, ObjectEvent, ObjectMeta, ResourceRef } from '../runtime/index.ts';

export const CRD_RESOURCE: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  namespaced: false,
  kind: 'CustomResourceDefinition',
};

/** Index of the CRD cache: `Kind.group` of the kind each CRD defines. */
export const BY_GROUP_KIND = 'crdGroupKind';

// `| undefined` throughout: the slim copy carries over whatever the apiserver sent, absent fields included.
interface CrdShape {
  readonly spec?: {
    readonly group?: string | undefined;
    readonly scope?: string | undefined;
    readonly names?: { readonly kind?: string | undefined; readonly plural?: string | undefined };
    readonly versions?: readonly {
      readonly name?: string | undefined;
      readonly served?: boolean | undefined;
    }[];
  };
  readonly status?: {
    readonly conditions?: readonly {
      readonly type?: string | undefined;
      readonly status?: string | undefined;
    }[];
  };
}

/** The metadata the cache needs (name, uid, resourceVersion) and deletionTimestamp. */
const KEPT_METADATA = ['name', 'uid', 'resourceVersion', 'deletionTimestamp'] as const;

/** What the operator knows about one CRD. */
export interface CrdSummary {
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Versions with `served: true`, in the CRD's order. */
  readonly served: readonly string[];
  /** The apiserver serves a CRD only once its names are accepted and it is Established. */
  readonly established: boolean;
  /** Being deleted: its objects are going away and creates are refused. */
  readonly terminating: boolean;
}

/** `Kind.group` ('Kind' for the core group): the key CRDs and policy triggers are matched on. */
export function groupKindKey(group: string, kind: string): string {
  return group === '' ? kind : `${kind}.${group}`;
}

export function crdSummary(obj: KubeObject): CrdSummary | undefined {
  const { spec, status } = obj as CrdShape;
  const group = spec?.group;
  const kind = spec?.names?.kind;
  const plural = spec?.names?.plural;
  if (group === undefined || kind === undefined || plural === undefined) return undefined;
  return {
    name: obj.metadata?.name ?? '',
    group,
    kind,
    plural,
    namespaced: spec?.scope === 'Namespaced',
    served: (spec?.versions ?? []).filter((v) => v.served === true).map((v) => v.name ?? ''),
    established: (status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'),
    terminating: obj.metadata?.deletionTimestamp !== undefined,
  };
}

/** The informer transform: only what crdSummary reads, plus the identity the cache needs. */
export function slimCrd(obj: KubeObject): KubeObject {
  const { spec, status } = obj as CrdShape;
  const metadata: ObjectMeta = {};
  for (const key of KEPT_METADATA) {
    const value = obj.metadata?.[key];
    if (value !== undefined) metadata[key] = value;
  }
  const established = (status?.conditions ?? []).filter((c) => c.type === 'Established');
  const slim: KubeObject & CrdShape = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata,
    spec: {
      group: spec?.group,
      scope: spec?.scope,
      names: { kind: spec?.names?.kind, plural: spec?.names?.plural },
      versions: (spec?.versions ?? []).map((v) => ({ name: v.name, served: v.served })),
    },
    status: { conditions: established.map((c) => ({ type: c.type, status: c.status })) },
  };
  return slim;
}

/** Index function for BY_GROUP_KIND. */
export function crdGroupKinds(obj: KubeObject): string[] {
  const crd = crdSummary(obj);
  return crd === undefined ? [] : [groupKindKey(crd.group, crd.kind)];
}

/** CRD events that can change what is served: creates, deletes, and updates that change the summary. */
export function servingChanged(event: ObjectEvent): boolean {
  if (event.type !== 'update') return true;
  return !jsonEqual(crdSummary(event.oldObject), crdSummary(event.object));
}

/**
 * What the CRDs say about `version` of `group`/`kind`: `crd` undefined when no CRD defines the kind (ask
 * discovery); otherwise the resource if that CRD serves the version now, else `ref` undefined.
 */
export function crdServing(
  crds: readonly KubeObject[],
  group: string,
  version: string,
  kind: string,
): { readonly crd: CrdSummary | undefined; readonly ref: ResourceRef | undefined } {
  const defining = crds
    .map(crdSummary)
    .filter((c): c is CrdSummary => c !== undefined && c.group === group && c.kind === kind);
  // Only one CRD can have its names accepted; prefer that one if another claims the same kind.
  const crd = defining.find((c) => c.established) ?? defining[0];
  if (crd === undefined) return { crd: undefined, ref: undefined };
  const serves = crd.established && !crd.terminating && crd.served.includes(version);
  const ref = serves ? { group, version, plural: crd.plural, namespaced: crd.namespaced, kind } : undefined;
  return { crd, ref };
}

/** The shared CRD informer, slim and indexed by group and kind. */
export function crdInformer(informers: InformerFactory) {
  const informer = informers.informerFor(CRD_RESOURCE, {}, { name: 'slim-crd', transform: slimCrd });
  if (!informer.hasIndex(BY_GROUP_KIND)) informer.addIndex(BY_GROUP_KIND, crdGroupKinds);
  return informer;
}

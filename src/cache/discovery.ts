// Kind → resource for kinds known only at run time (policy triggers, owner references). A kind some CRD
// defines is answered from the CRD cache (crds.ts), which follows every CRD change at once; other kinds
// (built-in, aggregated APIs) through API discovery (`/api/v1`, `/apis/<group>/<version>`), whose lists are
// cached per group/version and dropped whenever a CRD changes. A kind missing from a list older than
// `retryMs` is looked up afresh.
import type { KubeConfig } from '@kubernetes/client-node';
import {
  type Informer,
  type InformerFactory,
  isNotFound,
  kubeRequest,
  type ResourceRef,
} from '../runtime/index.ts';
import {
  BY_GROUP_KIND,
  type CrdSummary,
  crdInformer,
  crdServing,
  groupKindKey,
  servingChanged,
} from './crds.ts';

interface ApiResourceList {
  readonly resources: readonly {
    readonly name: string;
    readonly kind: string;
    readonly namespaced: boolean;
  }[];
}

/** Whether the apiserver serves a kind at a version; when not, the CRD defining the kind, if any. */
export type Serving =
  | { readonly served: true; readonly ref: ResourceRef }
  | { readonly served: false; readonly crd: CrdSummary | undefined };

export class ResourceDiscovery {
  /** The slim CRD cache: controllers watch it to re-check what they resolved. */
  readonly crds: Informer;
  readonly #kubeConfig: KubeConfig;
  readonly #retryMs: number;
  readonly #lists = new Map<string, { at: number; list: ApiResourceList | undefined }>();
  readonly #preferred = new Map<string, string>();

  constructor(kubeConfig: KubeConfig, informers: InformerFactory, retryMs = 2_000) {
    this.#kubeConfig = kubeConfig;
    this.#retryMs = retryMs;
    this.crds = crdInformer(informers);
    // A CRD change can change any group's lists and preferred version: forget them all (they are cheap).
    const invalidate = () => this.invalidate();
    this.crds.addEventHandler({
      onAdd: invalidate,
      onUpdate: (oldObject, object) => {
        if (servingChanged({ type: 'update', oldObject, object })) invalidate();
      },
      onDelete: invalidate,
    });
  }

  /** Whether `kind` is served in `apiVersion` now, and as which resource. */
  async serving(apiVersion: string, kind: string): Promise<Serving> {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const crds = this.crds.byIndex(BY_GROUP_KIND, groupKindKey(group, kind));
    const fromCrd = crdServing(crds, group, version, kind);
    if (fromCrd.crd !== undefined) {
      return fromCrd.ref ? { served: true, ref: fromCrd.ref } : { served: false, crd: fromCrd.crd };
    }
    return this.#discover(group, version, kind);
  }

  /** The resource serving `kind` in `apiVersion`, or undefined if the apiserver does not serve it (yet). */
  async resolve(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    const serving = await this.serving(apiVersion, kind);
    return serving.served ? serving.ref : undefined;
  }

  /** The resource for a group and kind at the group's preferred version (object references carry no version). */
  async resolveGroupKind(group: string, kind: string): Promise<ResourceRef | undefined> {
    if (group === '') return this.resolve('v1', kind);
    let version: string | undefined = this.#preferred.get(group);
    if (version === undefined) {
      try {
        const info = await kubeRequest<{ preferredVersion?: { version?: string } }>(this.#kubeConfig, {
          method: 'GET',
          path: `/apis/${group}`,
        });
        version = info.preferredVersion?.version;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      if (version === undefined) return undefined;
      this.#preferred.set(group, version);
    }
    return this.resolve(`${group}/${version}`, kind);
  }

  /** The answer of API discovery, for kinds no CRD defines. */
  async #discover(group: string, version: string, kind: string): Promise<Serving> {
    const apiVersion = group === '' ? version : `${group}/${version}`;
    const path = group === '' ? `/api/${version}` : `/apis/${apiVersion}`;
    const find = (list: ApiResourceList | undefined) =>
      list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    const found =
      find(await this.#list(apiVersion, path, false)) ?? find(await this.#list(apiVersion, path, true));
    if (found === undefined) return { served: false, crd: undefined };
    return { served: true, ref: { group, version, plural: found.name, namespaced: found.namespaced, kind } };
  }

  /** Forgets what discovery said (called on every CRD change). */
  invalidate(): void {
    this.#lists.clear();
    this.#preferred.clear();
  }

  /** The cached list; with `refresh`, a fresh one unless the cached one is younger than retryMs. */
  async #list(apiVersion: string, path: string, refresh: boolean): Promise<ApiResourceList | undefined> {
    const cached = this.#lists.get(apiVersion);
    const young = cached !== undefined && Date.now() - cached.at < this.#retryMs;
    if (cached && (young || (!refresh && cached.list !== undefined))) return cached.list;
    let list: ApiResourceList | undefined;
    try {
      list = await kubeRequest<ApiResourceList>(this.#kubeConfig, { method: 'GET', path });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    this.#lists.set(apiVersion, { at: Date.now(), list });
    return list;
  }
}

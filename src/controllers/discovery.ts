// Kind → resource through API discovery (`/api/v1`, `/apis/<group>/<version>`), for kinds known only at run
// time: policy triggers. Lists are cached per group/version; a kind missing from a list older than `retryMs`
// is looked up afresh, so a CRD installed after the policy is found without a restart.
import type { KubeConfig } from '@kubernetes/client-node';
import { isNotFound, kubeRequest, type ResourceRef } from '../runtime/index.ts';

interface ApiResourceList {
  readonly resources: readonly {
    readonly name: string;
    readonly kind: string;
    readonly namespaced: boolean;
  }[];
}

export class ResourceDiscovery {
  readonly #kubeConfig: KubeConfig;
  readonly #retryMs: number;
  readonly #lists = new Map<string, { at: number; list: ApiResourceList | undefined }>();
  readonly #preferred = new Map<string, string>();

  constructor(kubeConfig: KubeConfig, retryMs = 2_000) {
    this.#kubeConfig = kubeConfig;
    this.#retryMs = retryMs;
  }

  /** The resource serving `kind` in `apiVersion`, or undefined if the apiserver does not serve it (yet). */
  async resolve(apiVersion: string, kind: string): Promise<ResourceRef | undefined> {
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    const path = group === '' ? `/api/${version}` : `/apis/${apiVersion}`;
    const find = (list: ApiResourceList | undefined) =>
      list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    const found =
      find(await this.#list(apiVersion, path, false)) ?? find(await this.#list(apiVersion, path, true));
    return found && { group, version, plural: found.name, namespaced: found.namespaced, kind };
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

  /** Forgets what was learnt, e.g. after a CRD changed. */
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

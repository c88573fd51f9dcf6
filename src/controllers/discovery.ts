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

  /** Forgets what was learnt, e.g. after a CRD changed. */
  invalidate(): void {
    this.#lists.clear();
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

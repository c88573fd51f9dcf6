// Kind → resource through API discovery (`/api/v1`, `/apis/<group>/<version>`), for kinds known only at run
// time: policy triggers. Results are cached per group/version; a miss is retried on the next call after
// `retryMs`, so a CRD installed after the policy is found without a restart.
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
    const list = await this.#list(apiVersion, group === '' ? `/api/${version}` : `/apis/${apiVersion}`);
    const found = list?.resources.find((r) => r.kind === kind && !r.name.includes('/'));
    return found && { group, version, plural: found.name, namespaced: found.namespaced, kind };
  }

  /** Forgets what was learnt, e.g. after a CRD changed. */
  invalidate(): void {
    this.#lists.clear();
  }

  async #list(apiVersion: string, path: string): Promise<ApiResourceList | undefined> {
    const cached = this.#lists.get(apiVersion);
    if (cached && (cached.list !== undefined || Date.now() - cached.at < this.#retryMs)) return cached.list;
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

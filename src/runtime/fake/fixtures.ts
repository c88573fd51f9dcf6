import { KubeConfig } from '@kubernetes/client-node';
import type { ResourceRef } from '../types.ts';

/** A namespaced kind for tests: example.com/v1 Widget. */
export const WIDGETS: ResourceRef = {
  group: 'example.com',
  version: 'v1',
  plural: 'widgets',
  namespaced: true,
  kind: 'Widget',
};

/**
 * A kubeconfig for a local test server: one cluster, one user, one context. client-node refuses an `http:`
 * server unless TLS verification is off, so a plain-HTTP server gets skipTLSVerify; an `https:` one its CA.
 */
export function testKubeConfig(server: string, options: { token?: string; caPem?: string } = {}): KubeConfig {
  const kc = new KubeConfig();
  const tls =
    options.caPem === undefined
      ? { skipTLSVerify: true }
      : { caData: Buffer.from(options.caPem).toString('base64') };
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, ...tls }],
    users: [{ name: 'u', ...(options.token === undefined ? {} : { token: options.token }) }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

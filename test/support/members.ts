// Member clusters for the multi-cluster tests (docs/multicluster.md): the Argo CD cluster Secret that
// registers a control plane as a member, with its admin client certificate.
import { KEY_WEBHOOK_CLIENT_CA, LABEL_ARGOCD_SECRET_TYPE, LABEL_MEMBER } from '../../src/api/index.ts';
import type { ControlPlane } from '../../src/envtest/index.ts';
import type { KubeObject } from '../../src/runtime/index.ts';

export const MEMBER_NAMESPACE = 'milo-quota-system';
export const b64 = (s: string) => Buffer.from(s).toString('base64');

export function memberSecret(
  name: string,
  plane: ControlPlane,
  data: Record<string, string> = {},
): KubeObject {
  const cluster = plane.kubeConfig.getCurrentCluster();
  const user = plane.kubeConfig.getCurrentUser();
  const config = {
    tlsClientConfig: { caData: cluster?.caData, certData: user?.certData, keyData: user?.keyData },
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `member-${name}`,
      namespace: MEMBER_NAMESPACE,
      labels: {
        [LABEL_ARGOCD_SECRET_TYPE]: 'cluster',
        [LABEL_MEMBER]: 'true',
        'resourcemanager.miloapis.com/project-name': name,
      },
    },
    data: {
      name: b64(name),
      server: b64(plane.server),
      config: b64(JSON.stringify(config)),
      [KEY_WEBHOOK_CLIENT_CA]: b64(plane.webhookClientCa),
      ...data,
    },
  } as KubeObject;
}

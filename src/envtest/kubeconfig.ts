// A kubeconfig for the admin user of a local control plane, with every
// certificate embedded so the file is self-contained.
import { dump } from 'js-yaml';

export interface KubeconfigInput {
  readonly server: string;
  readonly caCert: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly token?: string;
  readonly name?: string;
}

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.name ?? 'envtest';
  const user: Record<string, string> = {};
  if (input.clientCert) user['client-certificate-data'] = b64(input.clientCert);
  if (input.clientKey) user['client-key-data'] = b64(input.clientKey);
  if (input.token) user.token = input.token;
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.server, 'certificate-authority-data': b64(input.caCert) } }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
  });
}

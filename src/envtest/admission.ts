// How the local kube-apiserver authenticates to admission webhooks: an AdmissionConfiguration whose webhook
// plugins read a kubeconfig, and in it one user named `*` (any webhook host) with a client certificate from
// the webhook-client CA. The operator trusts that CA (`--webhook-client-ca-file`), so it serves the
// apiserver and refuses everyone else.
import { dump } from 'js-yaml';
import type { PemPair } from './pki.ts';

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** A kubeconfig with only users: the apiserver picks the one named after the webhook's host, else `*`. */
export function renderWebhookClientKubeconfig(client: PemPair): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    users: [
      {
        name: '*',
        user: { 'client-certificate-data': b64(client.cert), 'client-key-data': b64(client.key) },
      },
    ],
  });
}

/** The file for `--admission-control-config-file`: both webhook plugins use `kubeConfigFile`. */
export function renderAdmissionConfiguration(kubeConfigFile: string): string {
  const plugin = (name: string) => ({
    name,
    configuration: {
      apiVersion: 'apiserver.config.k8s.io/v1',
      kind: 'WebhookAdmissionConfiguration',
      kubeConfigFile,
    },
  });
  return dump({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [plugin('ValidatingAdmissionWebhook'), plugin('MutatingAdmissionWebhook')],
  });
}

// The operator under its own ServiceAccount, as in a pod (config/manager runs it as
// quota-system/milo-quota-operator), instead of the control plane's admin user that tests and `make run`
// share with people. Only with an identity of its own do the operator's claim creates skip the claim webhook
// (src/admission/quota-webhook.ts). The account is bound to cluster-admin: locally the operator also creates
// its webhook configurations, which the shipped RBAC leaves to `kubectl apply -k config/webhook`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { type ControlPlane, renderKubeconfig } from '../../src/envtest/index.ts';

export interface ServiceAccountLogin {
  /** `system:serviceaccount:<namespace>:<name>`, as the apiserver names it. */
  readonly username: string;
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
}

async function kubectl(plane: ControlPlane, args: readonly string[], tolerate?: RegExp): Promise<string> {
  const result = await plane.kubectl(args);
  if (result.code !== 0 && !(tolerate?.test(result.stderr) ?? false)) {
    throw new Error(`kubectl ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

export async function operatorServiceAccount(
  plane: ControlPlane,
  namespace = 'quota-system',
  name = 'milo-quota-operator',
): Promise<ServiceAccountLogin> {
  const exists = /AlreadyExists|already exists/;
  await kubectl(plane, ['create', 'namespace', namespace], exists);
  await kubectl(plane, ['create', 'serviceaccount', name, '-n', namespace], exists);
  await kubectl(
    plane,
    [
      'create',
      'clusterrolebinding',
      `${namespace}-${name}-cluster-admin`,
      '--clusterrole=cluster-admin',
      `--serviceaccount=${namespace}:${name}`,
    ],
    exists,
  );
  const token = (await kubectl(plane, ['create', 'token', name, '-n', namespace, '--duration=6h'])).trim();
  const caData = plane.kubeConfig.getCurrentCluster()?.caData;
  if (caData === undefined) throw new Error('the control plane kubeconfig carries no CA data');
  const text = renderKubeconfig({
    server: plane.server,
    caCert: Buffer.from(caData, 'base64').toString('utf8'),
    token,
    name,
  });
  const kubeconfigPath = join(plane.dir, `${namespace}-${name}.kubeconfig`);
  writeFileSync(kubeconfigPath, text, { mode: 0o600 });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(text);
  return { username: `system:serviceaccount:${namespace}:${name}`, kubeconfigPath, kubeConfig };
}

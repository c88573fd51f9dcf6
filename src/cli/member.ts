// A local control plane as a quota member (docs/multicluster.md), for `MQ_DEV_MEMBER=1 make run` and the
// multi-cluster tests: config/member applied in it, the long-lived token of its ServiceAccount, and the Argo CD
// cluster Secret that registers it in the quota cluster with that token (never the plane's admin certificate),
// so whatever uses it shows that config/member's least privilege is enough; and the demo's member part.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ANNOTATION_WEBHOOK_CLIENT_NAME,
  KEY_WEBHOOK_CLIENT_CA,
  LABEL_ARGOCD_SECRET_TYPE,
  LABEL_MEMBER,
} from '../api/index.ts';
import { MEMBER_WEBHOOK_CONFIGURATION } from '../controllers/members/member-webhooks.ts';
import { Component, type ControlPlane, kubeBinary, WEBHOOK_CLIENT_NAME } from '../envtest/index.ts';
import type { KubeObject } from '../runtime/index.ts';
import { type DemoContext, run, step, until } from './demo.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Where config/member puts the operator's identity in a member. */
export const MEMBER_SERVICE_ACCOUNT = { namespace: 'milo-quota-member', name: 'milo-quota-operator' };
const TOKEN_SECRET = 'milo-quota-operator-token';

async function kubectlOk(plane: ControlPlane, args: readonly string[]): Promise<string> {
  const result = await plane.kubectl(args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Applies config/member in `plane` and returns its ServiceAccount's long-lived token, as the member's token
 * controller writes it into Secret milo-quota-operator-token. The local planes run no token controller, so one
 * is started against the plane for as long as that takes.
 */
export async function applyMemberConfig(plane: ControlPlane, timeoutMs = 60_000): Promise<string> {
  await kubectlOk(plane, ['apply', '-k', join(repo, 'config/member')]);
  const tokens = new Component(
    'kube-controller-manager',
    await kubeBinary(),
    [
      `--kubeconfig=${plane.kubeconfigPath}`,
      '--leader-elect=false',
      '--controllers=serviceaccount-token-controller',
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--root-ca-file=${join(plane.dir, 'ca.crt')}`,
      `--service-account-private-key-file=${join(plane.dir, 'sa.key')}`,
    ],
    join(plane.dir, 'token-controller.log'),
  );
  tokens.start();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const token = await tokenOf(plane);
      if (token !== '') return token;
      if (!tokens.running) throw new Error(`the token controller exited:\n${tokens.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`no token in Secret ${TOKEN_SECRET} after ${timeoutMs} ms:\n${tokens.logTail()}`);
  } finally {
    await tokens.stop();
  }
}

async function tokenOf(plane: ControlPlane): Promise<string> {
  const { namespace } = MEMBER_SERVICE_ACCOUNT;
  const args = ['get', 'secret', TOKEN_SECRET, '-n', namespace, '-o', 'jsonpath={.data.token}'];
  return Buffer.from(await kubectlOk(plane, args), 'base64').toString('utf8');
}

export interface MemberSecretOptions {
  /** The quota cluster's namespace the operator reads members in. */
  readonly namespace: string;
  /** The member's consumer context, e.g. `resourcemanager.miloapis.com/project-name: p1`. */
  readonly labels: Readonly<Record<string, string>>;
  /** config/member's token (applyMemberConfig), or a client certificate (base64 PEM, as in a kubeconfig). */
  readonly credentials:
    | { readonly bearerToken: string }
    | { readonly certData: string; readonly keyData: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export type MemberClusterSecret = KubeObject & { data: Record<string, string> };

/** The Argo CD cluster Secret that registers `plane` as member `name` (docs/multicluster.md). */
export function memberSecret(
  name: string,
  plane: ControlPlane,
  options: MemberSecretOptions,
): MemberClusterSecret {
  const caData = plane.kubeConfig.getCurrentCluster()?.caData;
  const { credentials } = options;
  const config =
    'bearerToken' in credentials
      ? { bearerToken: credentials.bearerToken, tlsClientConfig: { caData } }
      : { tlsClientConfig: { caData, certData: credentials.certData, keyData: credentials.keyData } };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `member-${name}`,
      namespace: options.namespace,
      labels: { [LABEL_ARGOCD_SECRET_TYPE]: 'cluster', [LABEL_MEMBER]: 'true', ...options.labels },
      annotations: { ...options.annotations },
    },
    data: {
      name: b64(name),
      server: b64(plane.server),
      config: b64(JSON.stringify(config)),
      [KEY_WEBHOOK_CLIENT_CA]: b64(plane.webhookClientCa),
    },
  };
}

/** The demo's member: a second control plane standing for Project acme-api (`MQ_DEV_MEMBER=1 make run`). */
export const DEMO_MEMBER = 'acme-api';

/**
 * After the main demo (whose Secret policy has no consumerRef): registers `member` in the quota cluster with
 * config/member's token, waits until the operator has written its webhook configuration, and creates Secrets
 * in the member with kubectl: two are charged to Project acme-api in the quota cluster, the third is refused.
 */
export async function runMemberDemo(
  quota: DemoContext,
  member: ControlPlane,
  namespace: string,
): Promise<void> {
  const inMember: DemoContext = { ...quota, kubeconfig: member.kubeconfigPath };
  quota.say(`\n--- member cluster ${DEMO_MEMBER} at ${member.server} (it runs no operator) ---`);
  quota.say(
    '$ kubectl apply -k config/member   (in the member: the operator’s identity there, least privilege)',
  );
  const bearerToken = await applyMemberConfig(member);
  await step(quota, `the quota cluster's claims for ${DEMO_MEMBER} go to this namespace`, [
    'create',
    'namespace',
    `quota-member-${DEMO_MEMBER}`,
  ]);
  await step(
    quota,
    `Project ${DEMO_MEMBER} may have 2 Secrets`,
    ['apply', '-f', '-'],
    `apiVersion: quota.miloapis.com/v1alpha1
kind: ResourceGrant
metadata: {name: ${DEMO_MEMBER}-secrets, namespace: ${namespace}}
spec:
  consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Project, name: ${DEMO_MEMBER}}
  allowances: [{resourceType: core.miloapis.com/secrets, buckets: [{amount: 2}]}]
`,
  );
  const secret = memberSecret(DEMO_MEMBER, member, {
    namespace,
    labels: { 'resourcemanager.miloapis.com/project-name': DEMO_MEMBER },
    annotations: { [ANNOTATION_WEBHOOK_CLIENT_NAME]: WEBHOOK_CLIENT_NAME },
    credentials: { bearerToken },
  });
  quota.say(
    `\n$ kubectl apply -f -   (register the member: an Argo CD cluster Secret with the member's token)`,
  );
  const shown = { ...secret, data: Object.fromEntries(Object.keys(secret.data).map((k) => [k, '…'])) };
  quota.say(JSON.stringify(shown, null, 2).replace(/^/gm, '    '));
  await run(quota, ['apply', '-f', '-'], JSON.stringify(secret));
  await until(
    inMember,
    'the operator to write the member’s webhook configuration',
    [
      'get',
      'validatingwebhookconfiguration',
      MEMBER_WEBHOOK_CONFIGURATION,
      '-o',
      'jsonpath={.webhooks[0].rules[*].resources[0]}',
    ],
    (out) => out.split(' ').includes('secrets'),
  );
  await step(inMember, 'in the member: the configuration the operator wrote', [
    'get',
    'validatingwebhookconfiguration',
    MEMBER_WEBHOOK_CONFIGURATION,
    '-o',
    'jsonpath={.webhooks[0].clientConfig.url}',
  ]);
  for (const name of ['token-a', 'token-b', 'token-c'])
    await step(inMember, `in the member: a Secret, charged to Project ${DEMO_MEMBER}`, [
      'create',
      'secret',
      'generic',
      name,
      '-n',
      'default',
      '--from-literal=k=v',
    ]);
  await step(quota, 'in the quota cluster: the claims for the member’s Secrets', [
    'get',
    'qclaim',
    '-n',
    `quota-member-${DEMO_MEMBER}`,
  ]);
  await step(quota, `Project ${DEMO_MEMBER}'s bucket`, [
    'get',
    'qbucket',
    '-A',
    '--field-selector',
    `spec.consumerRef.name=${DEMO_MEMBER}`,
  ]);
}

// The member registry (docs/multicluster.md): member clusters are Argo CD cluster Secrets with the quota member
// label in the operator's namespace. A controller keyed by Secret name parses each one, keeps a client for each
// valid member, probes it, and reports the member's state on its Secret (annotations, and an Event on each
// change), so `kubectl describe secret` shows it. Adding, changing or deleting a Secret takes effect at once:
// no restart. A member that stops answering stays registered (Unreachable): what depends on it — its claims —
// must never be freed because a network failed.
import { KubeConfig } from '@kubernetes/client-node';
import {
  formatFieldErrors,
  isMemberSecret,
  LABEL_MEMBER,
  type MemberCluster,
  type MemberSecret,
  parseMemberSecret,
} from '../../api/index.ts';
import type { Member, MemberRegistry } from '../../cache/index.ts';
import {
  createClient,
  type EventRecorder,
  isNotFound,
  type KubeClient,
  type KubeObject,
  kubeRequest,
  type Manager,
  type Reconciler,
  type ResourceRef,
} from '../../runtime/index.ts';

export const SECRETS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  namespaced: true,
  kind: 'Secret',
};

export const ANNOTATION_MEMBER_STATE = 'quota.miloapis.com/member-state';
export const ANNOTATION_MEMBER_MESSAGE = 'quota.miloapis.com/member-message';
export const ANNOTATION_MEMBER_SINCE = 'quota.miloapis.com/member-since';

export type MemberState = 'Ready' | 'Unreachable' | 'Invalid';

export interface MemberRegistryOptions {
  /** The operator's namespace: member Secrets are read there only. */
  readonly namespace: string;
  /** How often a member is probed. Default 10 s. */
  readonly probeIntervalMs?: number;
  /** A probe's deadline. Default 5 s. */
  readonly probeTimeoutMs?: number;
}

/** A kubeconfig for one member, from its Argo CD connection settings. */
export function memberKubeConfig(cluster: MemberCluster): KubeConfig {
  const b64 = (pem: string | undefined) =>
    pem === undefined ? undefined : Buffer.from(pem).toString('base64');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: cluster.name, server: cluster.server, caData: b64(cluster.tls.ca), skipTLSVerify: false },
    ],
    users: [
      {
        name: cluster.name,
        ...(cluster.bearerToken === undefined ? {} : { token: cluster.bearerToken }),
        ...(cluster.tls.cert === undefined ? {} : { certData: b64(cluster.tls.cert) }),
        ...(cluster.tls.key === undefined ? {} : { keyData: b64(cluster.tls.key) }),
      },
    ],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: cluster.name }],
    currentContext: cluster.name,
  });
  return kc;
}

/** What decides whether a changed Secret needs a new client: the connection, not annotations. */
const connectionOf = (c: MemberCluster) =>
  JSON.stringify([
    c.server,
    c.bearerToken,
    c.tls,
    c.claimNamespace,
    c.webhookClientCa,
    c.webhookClientName,
    c.labels,
  ]);

export function setupMemberRegistry(mgr: Manager, options: MemberRegistryOptions): MemberRegistry {
  const informer = mgr.informers.informerFor(SECRETS, {
    namespace: options.namespace,
    labelSelector: `${LABEL_MEMBER}=true`,
  });
  const events: EventRecorder = mgr.eventRecorder({ component: 'milo-quota-operator' });
  const members = new Map<string, Member & { readonly secret: string; readonly connection: string }>();
  const listeners = new Set<(name: string) => void>();
  const changed = (name: string) => {
    for (const listener of listeners) listener(name);
  };
  const probeInterval = options.probeIntervalMs ?? 10_000;

  const report = async (secret: KubeObject, state: MemberState, message: string) => {
    const annotations = secret.metadata?.annotations ?? {};
    if (annotations[ANNOTATION_MEMBER_STATE] === state && annotations[ANNOTATION_MEMBER_MESSAGE] === message)
      return;
    const since = new Date().toISOString();
    await mgr.client.patch(SECRETS, options.namespace, secret.metadata?.name ?? '', 'merge', {
      metadata: {
        annotations: {
          [ANNOTATION_MEMBER_STATE]: state,
          [ANNOTATION_MEMBER_MESSAGE]: message,
          [ANNOTATION_MEMBER_SINCE]: since,
        },
      },
    });
    const reason =
      state === 'Ready' ? 'MemberReady' : state === 'Invalid' ? 'InvalidMember' : 'MemberUnreachable';
    events.event(secret, state === 'Ready' ? 'Normal' : 'Warning', reason, message);
  };

  const forget = (secretName: string) => {
    for (const [name, member] of members)
      if (member.secret === secretName) {
        members.delete(name);
        changed(name);
      }
  };

  // Secrets read at least once (valid or not), for hasSynced.
  const seen = new Set<string>();
  const reconcile: Reconciler = async (ctx, req) => {
    try {
      return await reconcileSecret(ctx, req);
    } finally {
      seen.add(req.name);
    }
  };

  const reconcileSecret: Reconciler = async (ctx, req) => {
    const secret = informer.get(req.namespace, req.name) as (KubeObject & MemberSecret) | undefined;
    if (secret === undefined || !isMemberSecret(secret)) {
      forget(req.name);
      return {};
    }
    const parsed = parseMemberSecret(secret);
    if (!parsed.ok) {
      forget(req.name);
      await report(secret, 'Invalid', `not served: ${formatFieldErrors(parsed.errors)}`);
      return {};
    }
    const { member: cluster } = parsed;
    const taken = members.get(cluster.name);
    if (taken !== undefined && taken.secret !== req.name) {
      await report(
        secret,
        'Invalid',
        `not served: data.name: member "${cluster.name}" is already registered by Secret ${taken.secret}; give each member its own name`,
      );
      return {};
    }
    const connection = connectionOf(cluster);
    const current = members.get(cluster.name);
    const client =
      current?.connection === connection ? current.client : createClient(memberKubeConfig(cluster));
    const problem = await probe(client, options.probeTimeoutMs ?? 5_000, ctx.signal);
    const next = { cluster, client, reachable: problem === undefined, secret: req.name, connection };
    if (current === undefined || current.connection !== connection || current.reachable !== next.reachable) {
      forget(req.name); // a renamed member leaves its old name
      members.set(cluster.name, next);
      changed(cluster.name);
    }
    await report(
      secret,
      problem === undefined ? 'Ready' : 'Unreachable',
      problem === undefined
        ? `member ${cluster.name} at ${cluster.server} answers`
        : `member ${cluster.name} at ${cluster.server} does not answer (${problem}); its claims are kept until it does`,
    );
    return { requeueAfterMs: probeInterval };
  };

  const controller = mgr.newController({
    name: 'member-registry',
    reconciler: reconcile,
    maxConcurrentReconciles: 4,
  });
  controller.watch({ informer });
  return {
    get: (name) => members.get(name),
    list: () => [...members.values()],
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hasSynced: () =>
      informer.hasSynced() && informer.list().every((secret) => seen.has(secret.metadata?.name ?? '')),
  };
}

/** Undefined when the member's apiserver answers /version with these credentials, else why not. */
async function probe(
  client: KubeClient,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    await kubeRequest(client.kubeConfig, { method: 'GET', path: '/version', timeoutMs, signal });
    return undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined; // answered: an apiserver without /version is still up
    return error instanceof Error ? error.message : String(error);
  }
}

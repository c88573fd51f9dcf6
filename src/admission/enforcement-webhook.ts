// The enforcement ValidatingWebhookConfiguration (SPEC §6): its rules are kept equal to the set of Ready
// ClaimCreationPolicies' trigger kinds (CREATE only, any version), so the apiserver calls the webhook for
// those creates and no others. kube-system and the operator's namespace are excluded; failurePolicy Fail.
import type { ClaimCreationPolicy } from '../api/index.ts';
import type { ResourceDiscovery, TypedCache } from '../controllers/index.ts';
import { isNotFound, kubeRequest, type Logger, type Manager, type Reconciler } from '../runtime/index.ts';
import { ClaimPolicies } from './claim-policies.ts';

export const ENFORCEMENT_WEBHOOK_NAME = 'milo-quota-enforcement';
export const ENFORCEMENT_PATH = '/enforce-quota';
const VWC_PATH = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';

export interface ClientConfig {
  readonly url?: string;
  readonly service?: {
    readonly namespace: string;
    readonly name: string;
    readonly path: string;
    readonly port?: number;
  };
  readonly caBundle?: string;
}

export interface Rule {
  readonly apiGroups: string[];
  readonly apiVersions: string[];
  readonly resources: string[];
  readonly operations: string[];
  readonly scope: '*';
}

/** The rules for the applicable policies' trigger kinds, sorted; kinds the apiserver does not serve (yet)
 * are skipped and counted. */
export async function enforcementRules(
  policies: readonly ClaimCreationPolicy[],
  discovery: ResourceDiscovery,
  log: Logger,
): Promise<{ rules: Rule[]; unresolved: number }> {
  const rules = new Map<string, Rule>();
  let unresolved = 0;
  for (const policy of policies.filter((p) => ClaimPolicies.applies(p))) {
    const { apiVersion, kind } = policy.spec.trigger.resource;
    const resource = await discovery.resolve(apiVersion, kind);
    if (resource === undefined) {
      unresolved += 1;
      log.warn('trigger kind not served; not enforced yet', {
        policy: policy.metadata.name ?? '',
        apiVersion,
        kind,
      });
      continue;
    }
    const key = `${resource.group}/${resource.plural}`;
    rules.set(key, {
      apiGroups: [resource.group],
      apiVersions: ['*'],
      resources: [resource.plural],
      operations: ['CREATE'],
      scope: '*',
    });
  }
  const sorted = [...rules.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, rule]) => rule);
  return { rules: sorted, unresolved };
}

export function enforcementConfiguration(
  rules: readonly Rule[],
  clientConfig: ClientConfig,
  operatorNamespace: string,
  timeoutSeconds: number,
) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: {
      name: ENFORCEMENT_WEBHOOK_NAME,
      labels: { 'app.kubernetes.io/managed-by': 'milo-quota-operator' },
    },
    webhooks:
      rules.length === 0
        ? []
        : [
            {
              name: 'enforce.quota.miloapis.com',
              admissionReviewVersions: ['v1'],
              clientConfig,
              rules,
              failurePolicy: 'Fail',
              sideEffects: 'NoneOnDryRun',
              matchPolicy: 'Equivalent',
              timeoutSeconds,
              namespaceSelector: {
                matchExpressions: [
                  {
                    key: 'kubernetes.io/metadata.name',
                    operator: 'NotIn',
                    values: ['kube-system', operatorNamespace],
                  },
                ],
              },
            },
          ],
  };
}

export interface EnforcementWebhookOptions {
  readonly policies: TypedCache<ClaimCreationPolicy>;
  readonly discovery: ResourceDiscovery;
  /** Where the apiserver reaches this webhook, with the CA bundle; called on every reconcile. */
  readonly clientConfig: () => ClientConfig;
  readonly operatorNamespace: string;
  /** Default 10 (SPEC §6). */
  readonly timeoutSeconds?: number;
}

/** A leader-only controller writing the enforcement configuration whenever policies (or the CA) change. */
export function setupEnforcementWebhookController(mgr: Manager, options: EnforcementWebhookOptions) {
  const reconcile: Reconciler = async (ctx) => {
    const { rules, unresolved } = await enforcementRules(options.policies.list(), options.discovery, ctx.log);
    const config = options.clientConfig();
    await apply(
      mgr,
      enforcementConfiguration(rules, config, options.operatorNamespace, options.timeoutSeconds ?? 10),
      ctx.signal,
    );
    // A trigger kind not served yet (its CRD installed later) is looked up again in a while.
    return unresolved > 0 ? { requeueAfterMs: 5_000 } : {};
  };
  const controller = mgr.newController({ name: 'enforcement-webhook', reconciler: reconcile });
  const request = { namespace: '', name: ENFORCEMENT_WEBHOOK_NAME };
  controller.watch({ informer: options.policies.informer, map: () => [request] });
  return { refresh: () => controller.enqueue(request) };
}

async function apply(
  mgr: Manager,
  desired: ReturnType<typeof enforcementConfiguration>,
  signal: AbortSignal,
) {
  const kc = mgr.client.kubeConfig;
  let current: { metadata?: { resourceVersion?: string }; webhooks?: unknown } | undefined;
  try {
    current = await kubeRequest(kc, {
      method: 'GET',
      path: `${VWC_PATH}/${ENFORCEMENT_WEBHOOK_NAME}`,
      signal,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (current === undefined) {
    await kubeRequest(kc, { method: 'POST', path: VWC_PATH, body: desired, signal });
    return;
  }
  if (JSON.stringify(normalise(current.webhooks)) === JSON.stringify(normalise(desired.webhooks))) return;
  const body = {
    ...desired,
    metadata: { ...desired.metadata, resourceVersion: current.metadata?.resourceVersion },
  };
  await kubeRequest(kc, { method: 'PUT', path: `${VWC_PATH}/${ENFORCEMENT_WEBHOOK_NAME}`, body, signal });
}

/** The fields we set, in a fixed order, so defaulted fields the apiserver adds do not cause endless updates. */
function normalise(webhooks: unknown): unknown {
  if (!Array.isArray(webhooks)) return [];
  return webhooks.map((w: Record<string, unknown>) => {
    const config = (w.clientConfig ?? {}) as Record<string, unknown>;
    return {
      name: w.name,
      clientConfig: { url: config.url, service: config.service, caBundle: config.caBundle },
      rules: w.rules,
      failurePolicy: w.failurePolicy,
      sideEffects: w.sideEffects,
      timeoutSeconds: w.timeoutSeconds,
      namespaceSelector: w.namespaceSelector,
    };
  });
}

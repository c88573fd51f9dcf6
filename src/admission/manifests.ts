// The ValidatingWebhookConfigurations shipped in config/webhook (written by scripts/gen-webhooks.ts), rendered
// from the same specs the operator serves, so names, paths, rules and settings cannot drift apart. They point
// at the webhook Service and leave out what the operator owns: every caBundle, and the enforcement webhook's
// rules (configuration-write.ts). Git, Argo CD and the operator then never write the same field.
import { clientConfigFor, renderConfiguration, type WebhookConfigurationSpec } from '../webhook/index.ts';
import { enforcementConfiguration } from './enforce/enforcement-configuration.ts';
import { quotaValidationConfiguration } from './quota-webhook.ts';

export interface ShippedOptions {
  /** The operator's namespace (the Service's, and excluded from enforcement). Default quota-system. */
  readonly namespace?: string;
  /** Default milo-quota-webhook. */
  readonly serviceName?: string;
  /** The operator's ServiceAccount (config/rbac), whose claim creates skip the claim webhook. Default
   * milo-quota-operator. */
  readonly serviceAccount?: string;
  /** Default 10, the operator's --webhook-timeout-seconds default. */
  readonly timeoutSeconds?: number;
}

const LABELS = { 'app.kubernetes.io/name': 'milo-quota-operator', 'app.kubernetes.io/part-of': 'milo-quota' };

function shipped(spec: WebhookConfigurationSpec, namespace: string, serviceName: string) {
  const endpoint = { kind: 'service', namespace, name: serviceName, port: 443 } as const;
  const rendered = renderConfiguration(spec, (path) => clientConfigFor(endpoint, path, 443, undefined));
  return {
    apiVersion: rendered.apiVersion,
    kind: rendered.kind,
    metadata: {
      name: spec.name,
      labels: LABELS,
      // with the Deployment: nothing writes a quota kind before wave 0, when the pods serve
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
    },
    webhooks: rendered.webhooks.map(({ name, clientConfig, rules, ...settings }) => ({
      name,
      clientConfig,
      ...(spec.operatorOwnsRules ? {} : { rules }),
      ...settings,
    })),
  };
}

/** Both configurations, as manifests for the Service endpoint. */
export function shippedWebhookConfigurations(options: ShippedOptions = {}) {
  const namespace = options.namespace ?? 'quota-system';
  const serviceName = options.serviceName ?? 'milo-quota-webhook';
  const timeout = options.timeoutSeconds ?? 10;
  return [
    shipped(
      quotaValidationConfiguration(
        timeout,
        `system:serviceaccount:${namespace}:${options.serviceAccount ?? 'milo-quota-operator'}`,
      ),
      namespace,
      serviceName,
    ),
    shipped(enforcementConfiguration([], namespace, timeout), namespace, serviceName),
  ];
}

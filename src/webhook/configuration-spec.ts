// What a ValidatingWebhookConfiguration of this server says, and how it is rendered: the webhooks with their
// rules and settings, and the client config that points the apiserver at this server (a Service in the
// cluster, or a URL locally) with the CA bundle. Written by configuration.ts (configuration-write.ts for one
// that exists).

/** In-cluster: the operator's Service. Local: a URL on this host, with the server's bound port. */
export type WebhookEndpoint =
  | { readonly kind: 'service'; readonly namespace: string; readonly name: string; readonly port?: number }
  | { readonly kind: 'url'; readonly host: string };

export interface ClientConfig {
  readonly url?: string;
  readonly service?: {
    readonly namespace: string;
    readonly name: string;
    readonly path: string;
    readonly port?: number;
  };
  /** Base64 of the PEM CA bundle. */
  readonly caBundle?: string;
}

export interface WebhookRule {
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly operations: readonly ('CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT' | '*')[];
  readonly resources: readonly string[];
  readonly scope?: '*' | 'Cluster' | 'Namespaced';
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/** One webhook of a configuration; `path` is where this server serves its handler. */
export interface ValidatingWebhook {
  readonly name: string;
  readonly path: string;
  readonly rules: readonly WebhookRule[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  readonly sideEffects: 'None' | 'NoneOnDryRun';
  readonly matchPolicy?: 'Exact' | 'Equivalent';
  readonly timeoutSeconds?: number;
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
  /** CEL on the request; the webhook is called only when all hold (admissionregistration.k8s.io/v1). */
  readonly matchConditions?: readonly MatchCondition[];
}

export interface MatchCondition {
  readonly name: string;
  readonly expression: string;
}

export interface WebhookConfigurationSpec {
  readonly name: string;
  readonly webhooks: readonly ValidatingWebhook[];
  /** Rules follow cluster state (policies): the operator owns them even in a configuration shipped in Git. */
  readonly operatorOwnsRules?: boolean;
}

export function clientConfigFor(
  endpoint: WebhookEndpoint,
  path: string,
  port: number,
  caBundle: string | undefined,
): ClientConfig {
  const ca = caBundle === undefined ? {} : { caBundle: Buffer.from(caBundle, 'utf8').toString('base64') };
  if (endpoint.kind === 'url') {
    const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
    return { url: `https://${host}:${port}${path}`, ...ca };
  }
  const { namespace, name } = endpoint;
  return { service: { namespace, name, path, ...(endpoint.port ? { port: endpoint.port } : {}) }, ...ca };
}

/** The object to apply: every webhook with its client config and the settings SPEC fixes. */
export function renderConfiguration(
  spec: WebhookConfigurationSpec,
  clientConfig: (path: string) => ClientConfig,
) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: spec.name, labels: { 'app.kubernetes.io/managed-by': 'milo-quota-operator' } },
    webhooks: spec.webhooks.map(({ path, ...webhook }) => ({
      admissionReviewVersions: ['v1'],
      matchPolicy: 'Equivalent',
      timeoutSeconds: 10,
      ...webhook,
      clientConfig: clientConfig(path),
    })),
  };
}

/** A rendered configuration, as applied. */
export type RenderedConfiguration = ReturnType<typeof renderConfiguration>;

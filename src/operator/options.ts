// The operator's settings: flags first, then environment, then defaults. Every bad value is refused with
// the flag's name and how to fix it, before anything starts.
import { parseArgs } from 'node:util';
import {
  type ContextConsumerRule,
  DEFAULT_CONTEXT_CONSUMER_LABELS,
  parseContextConsumerRules,
} from '../admission/enforce/context-consumer.ts';
import type { ParentContextMode } from '../controllers/policy/policy-readiness.ts';
import { readCaBundleSync } from '../webhook/certs/client-ca.ts';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../webhook/limits.ts';
import type { TracingSettings } from './tracing-sdk.ts';

export interface OperatorOptions {
  /** The operator's own namespace: leases, default bucket namespace. */
  readonly namespace: string;
  readonly leaderElect: boolean;
  readonly leaseName: string;
  /**
   * This replica's Lease holder identity (`--leader-election-id`, else POD_NAME). Undefined: the elector's
   * `<hostname>_<uuid>`, unique per process start.
   */
  readonly leaderElectionId: string | undefined;
  readonly metricsPort: number;
  /**
   * `/metrics` over HTTPS (a self-signed certificate made at start) for bearer tokens whose user may get it
   * (TokenReview, SubjectAccessReview), like controller-runtime's secure metrics. Default false (local runs);
   * the shipped Deployment sets it. Probes stay plain HTTP on their own port.
   */
  readonly metricsSecure: boolean;
  readonly probePort: number;
  readonly bucketNamespaceExpression: string | undefined;
  /**
   * Where buckets go and what they are called (`--bucket-placement`, env BUCKET_PLACEMENT): `default` (ours:
   * the operator's namespace, bucketName) or `milo` (Milo's `organization-<org>`/`milo-system`, Milo's names;
   * docs/deploy.md). Undefined means default.
   */
  readonly bucketPlacement?: BucketPlacement;
  /**
   * What a GrantCreationPolicy's `spec.target.parentContext` means (`--parent-context`, env PARENT_CONTEXT):
   * `unsupported` (the policy is not Ready), `this-cluster` (grants are created here, from the template) or
   * `members` (grants are created here for the registered member cluster that stands for the context,
   * docs/multicluster.md). Undefined means unsupported.
   */
  readonly parentContext?: ParentContextMode;
  /**
   * `--context-consumer-labels`, also read without the webhook: with `parentContext: 'members'` it says
   * which context a member Secret's labels stand for. Undefined means the default.
   */
  readonly contextConsumerRules?: readonly ContextConsumerRule[];
  /** How long a bucket nothing refers to is kept before it is deleted. Default 60 s. */
  readonly bucketGracePeriodSeconds: number;
  /** How long an auto-created claim may wait for its object before it is deleted as an orphan. Default 30 s. */
  readonly orphanGracePeriodSeconds: number;
  readonly logLevel: string;
  /** The webhook server (every replica); false runs the controllers alone (`--enable-webhooks=false`). */
  readonly webhook: WebhookSettings | false;
  /**
   * OpenTelemetry traces (`--tracing-endpoint`, `--tracing-sample-ratio`; operator/tracing-sdk.ts). Undefined
   * (the default): off, the API's no-op tracer, no traceparent annotation on claims.
   */
  readonly tracing?: TracingSettings;
  /**
   * Member clusters (docs/multicluster.md; `--enable-members`): member Secrets in the operator's namespace are
   * served, their objects watched, and, with webhooks on, their apiservers' reviews enforced at
   * `https://<webhookHost>:<webhook port>/members/<name>/enforce`. Undefined (the default): one cluster.
   */
  readonly members?: MemberSettings;
}

export interface MemberSettings {
  /** The host member apiservers reach this operator's webhook server at (`--member-webhook-host`). */
  readonly webhookHost: string | undefined;
}

export interface WebhookSettings {
  /** HTTPS port. Default 9443; 0 picks a free one. */
  readonly port: number;
  /** The webhooks' timeoutSeconds (1 to 30). Default 10. */
  readonly timeoutSeconds: number;
  /** Serve tls.crt/tls.key from this directory (cert-manager); unset: a self-managed CA and Secret. */
  readonly certDir: string | undefined;
  /** The Service in front of the pods, in the operator's namespace. Default milo-quota-webhook. */
  readonly serviceName: string;
  /** Local mode: the apiserver calls https://<host>:<port>/... instead of the Service (e.g. 127.0.0.1). */
  readonly urlHost: string | undefined;
  /**
   * Whether an enforced create also needs the requester to hold `claim` on the consumer its policies charge
   * (`--authorize-trigger-consumer`). Default false, as Milo: the platform's authorization of the create
   * (and of the fields that name the consumer) decides.
   */
  readonly authorizeTriggerConsumer: boolean;
  /**
   * PEM CA bundle: only callers presenting a client certificate that chains to it are served (mutual TLS;
   * the apiserver's AdmissionConfiguration supplies it). Undefined: anyone who reaches the port is served.
   */
  readonly clientCaFile: string | undefined;
  /** With clientCaFile: the client certificate's subject CN must be one of these; empty accepts any. */
  readonly clientNames: readonly string[];
  /** The server limits an operator may tune (the others keep src/webhook/limits.ts' defaults). */
  readonly limits?: WebhookLimitSettings;
  /**
   * `--context-consumer-labels`: namespace labels that name the consumer of a claim whose template has no
   * consumerRef, first present wins (src/admission/enforce/context-consumer.ts). Default Milo's Project, then
   * Organization labels (also when unset here); empty turns it off.
   */
  readonly contextConsumerRules?: readonly ContextConsumerRule[];
  /**
   * `--cluster-scoped-claim-namespace`: where the claim of a cluster-scoped trigger goes when its template
   * names no namespace (Milo 30b9cd58's ClusterScopedClaimNamespace; Milo's default is milo-system). Default
   * (also when unset here) the operator's namespace.
   */
  readonly clusterScopedClaimNamespace?: string;
}

export type WebhookLimitSettings = Pick<
  ServerLimits,
  'maxInFlight' | 'maxConnections' | 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'
>;

export type BucketPlacement = 'default' | 'milo';

export class OptionsError extends Error {
  constructor(flag: string, problem: string) {
    super(`--${flag}: ${problem}`);
    this.name = 'OptionsError';
  }
}

const FLAGS = {
  namespace: { type: 'string' },
  'leader-elect': { type: 'string' },
  'lease-name': { type: 'string' },
  'leader-election-id': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-secure': { type: 'string' },
  'probe-port': { type: 'string' },
  'bucket-namespace-expression': { type: 'string' },
  'bucket-placement': { type: 'string' },
  'parent-context': { type: 'string' },
  'bucket-grace-period-seconds': { type: 'string' },
  'orphan-grace-period-seconds': { type: 'string' },
  'log-level': { type: 'string' },
  'enable-webhooks': { type: 'string' },
  'webhook-port': { type: 'string' },
  'webhook-timeout-seconds': { type: 'string' },
  'webhook-cert-dir': { type: 'string' },
  'webhook-service-name': { type: 'string' },
  'webhook-url-host': { type: 'string' },
  'authorize-trigger-consumer': { type: 'string' },
  'webhook-client-ca-file': { type: 'string' },
  'webhook-client-names': { type: 'string' },
  'webhook-max-in-flight': { type: 'string' },
  'webhook-max-connections': { type: 'string' },
  'webhook-request-timeout-seconds': { type: 'string' },
  'webhook-keep-alive-timeout-seconds': { type: 'string' },
  'context-consumer-labels': { type: 'string' },
  'cluster-scoped-claim-namespace': { type: 'string' },
  'tracing-endpoint': { type: 'string' },
  'tracing-sample-ratio': { type: 'string' },
  'enable-members': { type: 'string' },
  'member-webhook-host': { type: 'string' },
} as const;

type Values = Partial<Record<keyof typeof FLAGS, string>>;

const BOOLEAN_FLAGS = new Set([
  '--leader-elect',
  '--metrics-secure',
  '--enable-webhooks',
  '--enable-members',
]);

/** A bare boolean flag (`--metrics-secure`, as Go's flag package reads it) means true. */
function withBareBooleans(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const next = argv[i + 1];
    const bare = BOOLEAN_FLAGS.has(arg) && (next === undefined || next.startsWith('-'));
    return bare ? `${arg}=true` : arg;
  });
}

function port(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new OptionsError(
      flag,
      `"${value}" is not a port; give an integer from 0 to 65535 (0 picks a free one)`,
    );
  }
  return n;
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 86_400) {
    throw new OptionsError(flag, `"${value}" is not a number of seconds; give an integer from 0 to 86400`);
  }
  return n;
}

/** An integer flag from `min` to `max`; `meaning` says what it counts, for the error. */
function integer(
  flag: string,
  value: string | undefined,
  range: { min: number; max: number; fallback: number; meaning: string },
): number {
  if (value === undefined) return range.fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < range.min || n > range.max) {
    throw new OptionsError(
      flag,
      `"${value}" is not allowed; give ${range.meaning} as an integer from ${range.min} to ${range.max}`,
    );
  }
  return n;
}

function limitSettings(values: Values): WebhookLimitSettings {
  const d = DEFAULT_SERVER_LIMITS;
  const maxInFlight = integer('webhook-max-in-flight', values['webhook-max-in-flight'], {
    min: 1,
    max: 10_000,
    fallback: d.maxInFlight,
    meaning: 'the number of reviews one replica handles at once',
  });
  const maxConnections = integer('webhook-max-connections', values['webhook-max-connections'], {
    min: 2,
    max: 100_000,
    fallback: d.maxConnections,
    meaning: 'the number of open connections one replica accepts',
  });
  if (maxConnections <= maxInFlight) {
    throw new OptionsError(
      'webhook-max-connections',
      `${maxConnections} must exceed --webhook-max-in-flight (${maxInFlight}): every review in flight holds a connection and new ones need room; raise it or lower --webhook-max-in-flight`,
    );
  }
  const readSeconds = integer('webhook-request-timeout-seconds', values['webhook-request-timeout-seconds'], {
    min: 1,
    max: 60,
    fallback: d.requestTimeoutMs / 1000,
    meaning: 'the seconds a caller has to send a whole request (the apiserver sends one at once)',
  });
  const keepAliveSeconds = integer(
    'webhook-keep-alive-timeout-seconds',
    values['webhook-keep-alive-timeout-seconds'],
    {
      min: 1,
      max: 3600,
      fallback: d.keepAliveTimeoutMs / 1000,
      meaning: "the seconds an idle connection is kept (more than the apiserver's 90)",
    },
  );
  return {
    maxInFlight,
    maxConnections,
    // the headers are part of the request: they get the same bound
    headersTimeoutMs: Math.min(d.headersTimeoutMs, readSeconds * 1000),
    requestTimeoutMs: readSeconds * 1000,
    keepAliveTimeoutMs: keepAliveSeconds * 1000,
  };
}

function leaderElectionId(values: Values, env: NodeJS.ProcessEnv): string | undefined {
  const id = values['leader-election-id'] ?? env.POD_NAME;
  if (id !== undefined && (id.trim() === '' || id.length > 253)) {
    throw new OptionsError(
      'leader-election-id',
      `"${id}" is not an identity; give a non-empty name of at most 253 characters (the pod's name), or drop it for <hostname>_<uuid>`,
    );
  }
  return id;
}

function bucketPlacement(values: Values, env: NodeJS.ProcessEnv): BucketPlacement {
  const value = values['bucket-placement'] ?? env.BUCKET_PLACEMENT ?? 'default';
  if (value !== 'default' && value !== 'milo') {
    throw new OptionsError(
      'bucket-placement',
      `"${value}" is not a placement; use default (every bucket in the operator's namespace) or milo (organization-<org> and milo-system, with Milo's bucket names)`,
    );
  }
  if (value === 'milo' && values['bucket-namespace-expression'] !== undefined) {
    throw new OptionsError(
      'bucket-placement',
      'milo sets the bucket namespaces itself; drop --bucket-namespace-expression, or use --bucket-placement=default with the expression',
    );
  }
  return value;
}

function memberSettings(values: Values, webhooks: boolean): MemberSettings | undefined {
  const host = values['member-webhook-host'];
  if (!bool('enable-members', values['enable-members'], false)) {
    if (host !== undefined)
      throw new OptionsError(
        'member-webhook-host',
        'is only used with --enable-members; add it, or remove this flag',
      );
    return undefined;
  }
  if (host !== undefined && !/^[A-Za-z0-9.:-]+$/.test(host))
    throw new OptionsError(
      'member-webhook-host',
      `"${host}" is not a host name or IP address (no scheme, no port)`,
    );
  if (webhooks && host === undefined)
    throw new OptionsError(
      'member-webhook-host',
      "is required with --enable-members and webhooks on: the host member apiservers reach this operator's webhook port at",
    );
  return { webhookHost: host };
}

function parentContext(values: Values, env: NodeJS.ProcessEnv): ParentContextMode {
  const value = values['parent-context'] ?? env.PARENT_CONTEXT ?? 'unsupported';
  if (value !== 'unsupported' && value !== 'this-cluster' && value !== 'members') {
    throw new OptionsError(
      'parent-context',
      `"${value}" is not a mode; use unsupported (policies with spec.target.parentContext are not Ready), this-cluster (their grants are created in this cluster) or members (their grants are created for the registered member cluster that stands for the context)`,
    );
  }
  return value;
}

function bool(flag: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (value === 'true' || value === '') return true;
  if (value === 'false') return false;
  throw new OptionsError(flag, `"${value}" is not a boolean; use true or false`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST = /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]*:[0-9a-fA-F:.]+|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?)$/;

type ClientAuthSettings = Pick<WebhookSettings, 'clientCaFile' | 'clientNames'>;

function clientAuthSettings(values: Values, env: NodeJS.ProcessEnv): ClientAuthSettings {
  const clientCaFile = values['webhook-client-ca-file'] ?? env.WEBHOOK_CLIENT_CA_FILE;
  const rawNames = values['webhook-client-names'];
  if (clientCaFile === undefined) {
    if (rawNames !== undefined) {
      throw new OptionsError(
        'webhook-client-names',
        'needs --webhook-client-ca-file: names are only checked on a client certificate verified against that CA',
      );
    }
    return { clientCaFile, clientNames: [] };
  }
  if (clientCaFile === '') {
    throw new OptionsError(
      'webhook-client-ca-file',
      'give the path of the PEM CA bundle that signed the apiserver webhook client certificate',
    );
  }
  try {
    readCaBundleSync(clientCaFile);
  } catch (error) {
    throw new OptionsError(
      'webhook-client-ca-file',
      `${(error as Error).message}; mount the PEM CA bundle that signed the apiserver's webhook client certificate there (see docs/security.md), or drop the flag to serve any caller`,
    );
  }
  return { clientCaFile, clientNames: clientNames(rawNames) };
}

function clientNames(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const names = raw.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) {
    throw new OptionsError(
      'webhook-client-names',
      `"${raw}" has an empty name; give comma-separated common names, e.g. kube-apiserver-webhook-client`,
    );
  }
  return names;
}

export function contextConsumerRules(values: Values = {}): ContextConsumerRule[] {
  const rules = parseContextConsumerRules(
    values['context-consumer-labels'] ?? DEFAULT_CONTEXT_CONSUMER_LABELS,
  );
  if (typeof rules === 'string') {
    throw new OptionsError(
      'context-consumer-labels',
      `${rules}; give comma-separated <namespace label>=<apiGroup>/<Kind> in priority order, or "" to turn it off`,
    );
  }
  return rules;
}

function clusterScopedClaimNamespace(values: Values, namespace: string): string {
  const value = values['cluster-scoped-claim-namespace'] ?? namespace;
  if (!DNS_LABEL.test(value) || value.length > 63) {
    throw new OptionsError(
      'cluster-scoped-claim-namespace',
      `"${value}" is not a namespace name (DNS-1123 label); name the namespace that holds claims of cluster-scoped objects, e.g. milo-system`,
    );
  }
  return value;
}

function webhookSettings(values: Values, env: NodeJS.ProcessEnv, namespace: string): WebhookSettings | false {
  if (!bool('enable-webhooks', values['enable-webhooks'] ?? env.ENABLE_WEBHOOKS, true)) return false;
  const timeoutSeconds = Number(values['webhook-timeout-seconds'] ?? '10');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) {
    throw new OptionsError(
      'webhook-timeout-seconds',
      `"${values['webhook-timeout-seconds']}" is not allowed; the apiserver accepts whole seconds from 1 to 30`,
    );
  }
  const serviceName = values['webhook-service-name'] ?? 'milo-quota-webhook';
  if (!DNS_LABEL.test(serviceName) || serviceName.length > 63) {
    throw new OptionsError('webhook-service-name', `"${serviceName}" is not a Service name (DNS-1123 label)`);
  }
  const certDir = values['webhook-cert-dir'] ?? env.WEBHOOK_CERT_DIR;
  if (certDir === '')
    throw new OptionsError('webhook-cert-dir', 'give the directory holding tls.crt and tls.key');
  const rawHost = values['webhook-url-host'];
  if (rawHost !== undefined && !HOST.test(rawHost)) {
    throw new OptionsError(
      'webhook-url-host',
      `"${rawHost}" is not a host name or IP address; give only the host, e.g. 127.0.0.1 (no scheme, no port)`,
    );
  }
  return {
    port: port('webhook-port', values['webhook-port'], 9443),
    timeoutSeconds,
    certDir,
    serviceName,
    urlHost: rawHost?.replace(/^\[(.*)\]$/, '$1'),
    authorizeTriggerConsumer: bool('authorize-trigger-consumer', values['authorize-trigger-consumer'], false),
    ...clientAuthSettings(values, env),
    limits: limitSettings(values),
    contextConsumerRules: contextConsumerRules(values),
    clusterScopedClaimNamespace: clusterScopedClaimNamespace(values, namespace),
  };
}

function tracingSettings(values: Values, env: NodeJS.ProcessEnv): TracingSettings | undefined {
  const endpoint = values['tracing-endpoint'] ?? env.TRACING_ENDPOINT ?? '';
  const rawRatio = values['tracing-sample-ratio'] ?? env.TRACING_SAMPLE_RATIO;
  const ratio = rawRatio === undefined ? 1 : Number(rawRatio);
  if (
    rawRatio !== undefined &&
    (rawRatio.trim() === '' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1)
  ) {
    throw new OptionsError(
      'tracing-sample-ratio',
      `"${rawRatio}" is not a ratio; give the share of new traces to sample as a number from 0 to 1 (1 samples every enforced create)`,
    );
  }
  if (endpoint === '') {
    if (rawRatio !== undefined) {
      throw new OptionsError(
        'tracing-sample-ratio',
        'needs --tracing-endpoint: tracing is off without an OTLP/HTTP URL to send spans to',
      );
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OptionsError(
      'tracing-endpoint',
      `"${endpoint}" is not an http(s) URL; give the OTLP/HTTP traces URL of a collector, e.g. http://otel-collector.observability:4318/v1/traces, or "" to turn tracing off`,
    );
  }
  return { endpoint, sampleRatio: ratio };
}

export function parseOperatorOptions(argv: readonly string[], env: NodeJS.ProcessEnv): OperatorOptions {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: withBareBooleans(argv),
      options: FLAGS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OptionsError(
      'help',
      `${message}; known flags: ${Object.keys(FLAGS)
        .map((f) => `--${f}`)
        .join(', ')}`,
    );
  }
  const namespace = values.namespace ?? env.POD_NAMESPACE ?? 'quota-system';
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) {
    throw new OptionsError('namespace', `"${namespace}" is not a namespace name (DNS-1123 label)`);
  }
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';
  if (!['error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw new OptionsError('log-level', `"${logLevel}" is not a level; use error, warn, info or debug`);
  }
  return {
    namespace,
    leaderElect: bool('leader-elect', values['leader-elect'], true),
    leaseName: values['lease-name'] ?? 'milo-quota-operator',
    leaderElectionId: leaderElectionId(values, env),
    metricsPort: port('metrics-port', values['metrics-port'], 8080),
    metricsSecure: bool('metrics-secure', values['metrics-secure'], false),
    probePort: port('probe-port', values['probe-port'], 8081),
    bucketNamespaceExpression: values['bucket-namespace-expression'],
    bucketPlacement: bucketPlacement(values, env),
    parentContext: parentContext(values, env),
    contextConsumerRules: contextConsumerRules(values),
    bucketGracePeriodSeconds: seconds(
      'bucket-grace-period-seconds',
      values['bucket-grace-period-seconds'],
      60,
    ),
    orphanGracePeriodSeconds: seconds(
      'orphan-grace-period-seconds',
      values['orphan-grace-period-seconds'],
      30,
    ),
    logLevel,
    webhook: webhookSettings(values, env, namespace),
    ...optional('tracing', tracingSettings(values, env)),
    ...optional(
      'members',
      memberSettings(values, bool('enable-webhooks', values['enable-webhooks'] ?? env.ENABLE_WEBHOOKS, true)),
    ),
  };
}

/** `{ [key]: value }`, or nothing when value is undefined (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

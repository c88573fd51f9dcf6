// Wires the webhook side of the operator into a manager: the certificate source (self-managed Secret or
// mounted files), the HTTPS server with the quota-kind handlers, the webhook configurations, and the
// readiness check. Other webhooks (enforcement) register their handlers and configurations on the result.
import { isIP } from 'node:net';
import type { ResourceClaim } from '../api/index.ts';
import {
  findClaimObject,
  findClaimObjectAnywhere,
  type MemberRegistry,
  type QuotaCache,
  type ResourceDiscovery,
} from '../cache/index.ts';
import type { Manager } from '../runtime/index.ts';
import type { CertificateSource } from '../webhook/certs/certificate-source.ts';
import { ClientCaFile } from '../webhook/certs/client-ca.ts';
import { FileCertificates } from '../webhook/certs/files.ts';
import { SelfManagedCertificates } from '../webhook/certs/self-managed.ts';
import {
  type WebhookConfigurationSpec,
  WebhookConfigurations,
  type WebhookEndpoint,
} from '../webhook/index.ts';
import type { ServerLimits } from '../webhook/limits.ts';
import type { AdmissionHandler } from '../webhook/review.ts';
import { type ClientAuthentication, WebhookServer } from '../webhook/server.ts';
import type { ClaimGuardDeps } from './claim-guard.ts';
import { operatorIdentity } from './identity.ts';
import {
  ownClaimCreator,
  quotaHandlers,
  quotaValidationConfiguration,
  quotaWebhookDeps,
  quotaWebhookPath,
} from './quota-webhook.ts';
import { RequesterAccess } from './requester-access.ts';

export interface WebhookOptions {
  /** The operator's namespace: the Service's and the certificate Secret's. */
  readonly namespace: string;
  /** Default 9443; 0 picks a free port. */
  readonly port: number;
  /** The Service in front of the pods (in-cluster mode). Default `milo-quota-webhook`. */
  readonly serviceName?: string;
  /** The Service's port. Default 443. */
  readonly servicePort?: number;
  /** Local mode: the apiserver calls `https://<urlHost>:<port>` instead of the Service. */
  readonly urlHost?: string | undefined;
  /** Serve `tls.crt`/`tls.key` from this directory (cert-manager) instead of a self-managed Secret. */
  readonly certDir?: string | undefined;
  /** Only callers with a client certificate chaining to this PEM bundle are served (the apiserver). */
  readonly clientCaFile?: string | undefined;
  /** With clientCaFile: the accepted client certificates' common names; empty or unset accepts any. */
  readonly clientNames?: readonly string[] | undefined;
  /** The server's sizes, timeouts and caps; unset fields keep limits.ts' defaults. */
  readonly limits?: Partial<ServerLimits> | undefined;
  /** The self-managed Secret. Default `milo-quota-webhook-tls`. */
  readonly secretName?: string;
  /** The webhooks' timeoutSeconds. Default 10. */
  readonly timeoutSeconds?: number;
  /** Member clusters, when served: their claims' objects are read there (claim guard). */
  readonly members?: MemberRegistry | undefined;
  /** Tuning of the self-managed certificate (tests shorten these). */
  readonly certificates?: {
    readonly certValidityMs?: number;
    readonly renewBeforeMs?: number;
    readonly checkIntervalMs?: number;
  };
}

export interface Webhooks {
  readonly server: WebhookServer;
  readonly configurations: WebhookConfigurations;
  /** Who may charge consumers and free claims, shared with the enforcement webhook. */
  readonly claimGuard: ClaimGuardDeps;
  /** Serves another webhook from the same server (before the manager starts). */
  register(path: string, handler: AdmissionHandler): void;
  /** Keeps another configuration applied with this server's client config. */
  configure(spec: WebhookConfigurationSpec): void;
}

/** The names the serving certificate must carry: the Service's DNS names, localhost, the URL host. */
export function servingNames(options: WebhookOptions): { dnsNames: string[]; ips: string[] } {
  const svc = options.serviceName ?? 'milo-quota-webhook';
  const ns = options.namespace;
  const dnsNames = [`${svc}.${ns}.svc`, `${svc}.${ns}.svc.cluster.local`, `${svc}.${ns}`, svc, 'localhost'];
  const ips = ['127.0.0.1', '::1'];
  const host = options.urlHost;
  if (host !== undefined) {
    const list = isIP(host) === 0 ? dnsNames : ips;
    if (!list.includes(host)) list.push(host);
  }
  return { dnsNames, ips };
}

function certificateSource(mgr: Manager, options: WebhookOptions): CertificateSource {
  if (options.certDir !== undefined)
    return new FileCertificates({ dir: options.certDir, logger: mgr.logger });
  return new SelfManagedCertificates({
    client: mgr.client,
    logger: mgr.logger,
    namespace: options.namespace,
    ...(options.secretName ? { secretName: options.secretName } : {}),
    ...servingNames(options),
    ...options.certificates,
  });
}

function clientAuthentication(mgr: Manager, options: WebhookOptions): ClientAuthentication | undefined {
  if (options.clientCaFile === undefined) return undefined;
  return {
    ca: new ClientCaFile({ path: options.clientCaFile, logger: mgr.logger }),
    names: options.clientNames,
  };
}

function endpointOf(options: WebhookOptions): WebhookEndpoint {
  if (options.urlHost !== undefined) return { kind: 'url', host: options.urlHost };
  return {
    kind: 'service',
    namespace: options.namespace,
    name: options.serviceName ?? 'milo-quota-webhook',
    port: options.servicePort ?? 443,
  };
}

/** The claim guards over the operator's client: live reads of claims' objects, SubjectAccessReviews. */
export function claimGuardFor(
  mgr: Manager,
  discovery: ResourceDiscovery,
  identity: () => Promise<string>,
  members?: MemberRegistry,
): ClaimGuardDeps {
  const local = (claim: ResourceClaim, signal?: AbortSignal) =>
    findClaimObject(mgr.client, discovery, claim, signal);
  return {
    access: new RequesterAccess(mgr.client, identity),
    resolveKind: (group, kind) => discovery.resolveGroupKind(group, kind),
    // a member claim's object is in its member: looking here would find nothing and let its claim be freed
    findObject: (claim, signal) => findClaimObjectAnywhere(members, claim, local, signal),
  };
}

export function setupWebhooks(
  mgr: Manager,
  caches: QuotaCache,
  discovery: ResourceDiscovery,
  options: WebhookOptions,
): Webhooks {
  const server = new WebhookServer({
    port: options.port,
    certificates: certificateSource(mgr, options),
    clientAuth: clientAuthentication(mgr, options),
    logger: mgr.logger,
    registry: mgr.registry,
    defaultTimeoutMs: (options.timeoutSeconds ?? 10) * 1000,
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const identity = operatorIdentity(mgr.client);
  const claimGuard = claimGuardFor(mgr, discovery, identity, options.members);
  const handlers = quotaHandlers(quotaWebhookDeps(caches, identity, claimGuard));
  for (const [kind, handler] of Object.entries(handlers)) {
    server.register(quotaWebhookPath(kind as keyof typeof handlers), handler);
  }
  const configurations = new WebhookConfigurations({
    client: mgr.client,
    logger: mgr.logger,
    server,
    endpoint: endpointOf(options),
  });
  configurations.set(quotaValidationConfiguration(options.timeoutSeconds ?? 10));
  // Once the operator knows who it is: a ServiceAccount's own claim creates skip the claim webhook
  // (quota-webhook.ts). Until then, or if the lookup fails, they go through it: slower, never less checked.
  const exemptOwnClaims = (attempt: number): void => {
    identity().then(
      (username) => {
        if (ownClaimCreator(username) === undefined) return;
        configurations.set(quotaValidationConfiguration(options.timeoutSeconds ?? 10, username));
      },
      (error: unknown) => {
        mgr.logger.info('operator identity unknown: its claim creates go through the claim webhook', {
          error: error instanceof Error ? error.message : String(error),
          attempt,
        });
        if (attempt < 30) setTimeout(() => exemptOwnClaims(attempt + 1), 10_000).unref();
      },
    );
  };
  exemptOwnClaims(1);
  mgr.add(server);
  mgr.add(configurations);
  mgr.addReadyCheck('webhook', server.ready);
  return {
    server,
    configurations,
    claimGuard,
    register: (path, handler) => server.register(path, handler),
    configure: (spec) => configurations.set(spec),
  };
}

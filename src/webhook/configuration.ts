// The operator's ValidatingWebhookConfigurations: how the apiserver reaches this webhook server (a Service in
// the cluster, or `url: https://127.0.0.1:<port>` locally), with the CA bundle that signed its certificate.
// Every replica writes the same objects by server-side apply under one field manager, so the writes are
// idempotent (an unchanged apply is a no-op) and replicas never fight; a new CA bundle is re-applied at once.
// A configuration that exists (in the cluster: shipped in config/webhook) gets only the fields the operator
// owns; one that does not is created whole, which RBAC allows locally but not in the cluster
// (configuration-write.ts).
import {
  Backoff,
  errorFields,
  isNotFound,
  KubeApiError,
  type KubeClient,
  type KubeObject,
  type Logger,
  type ResourceRef,
  type Runnable,
  sleep,
} from '../runtime/index.ts';
import {
  type ClientConfig,
  clientConfigFor,
  type RenderedConfiguration,
  renderConfiguration,
  type WebhookConfigurationSpec,
  type WebhookEndpoint,
} from './configuration-spec.ts';
import {
  ConfigurationMissingError,
  ConfigurationOutdatedError,
  type LiveConfiguration,
  missingWebhooks,
  OWNED_FIELDS_MANAGER,
  ownedFields,
  pointAtUrlPatch,
} from './configuration-write.ts';
import type { WebhookServer } from './server.ts';

export const WEBHOOK_FIELD_MANAGER = 'milo-quota-operator-webhooks';

const CONFIGURATIONS: ResourceRef = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'validatingwebhookconfigurations',
  namespaced: false,
  kind: 'ValidatingWebhookConfiguration',
};

export interface WebhookConfigurationsOptions {
  readonly client: KubeClient;
  readonly logger: Logger;
  readonly server: WebhookServer;
  readonly endpoint: WebhookEndpoint;
}

/** Keeps the configurations given to `set` applied, with this server's address and CA bundle. */
export class WebhookConfigurations implements Runnable {
  readonly name = 'webhook-configurations';
  readonly needLeaderElection = false;
  /** Resolves once every configuration set before start has been applied. */
  readonly applied: Promise<void>;
  readonly #o: WebhookConfigurationsOptions;
  readonly #desired = new Map<string, WebhookConfigurationSpec>();
  readonly #dirty = new Set<string>();
  readonly #listeners = new Set<() => void>();
  #markApplied: () => void = () => {};
  #wake: () => void = () => {};

  constructor(options: WebhookConfigurationsOptions) {
    this.#o = options;
    this.applied = new Promise((resolve) => {
      this.#markApplied = resolve;
    });
  }

  /** Where the apiserver reaches `path` now; throws until the server listens with a certificate. */
  clientConfig(path: string): ClientConfig {
    const { server, endpoint } = this.#o;
    const port = server.port;
    if (port === undefined || server.certificate === undefined) {
      throw new Error('the webhook server is not serving yet: no port or certificate');
    }
    return clientConfigFor(
      endpoint,
      path,
      endpoint.kind === 'service' ? (endpoint.port ?? 443) : port,
      server.certificate.caBundle,
    );
  }

  /** Called after the client config changes (a new CA bundle), for configurations kept elsewhere. */
  onClientConfigChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sets (or replaces) a configuration to keep applied. */
  set(spec: WebhookConfigurationSpec): void {
    this.#desired.set(spec.name, spec);
    this.#dirty.add(spec.name);
    this.#wake();
  }

  async start(signal: AbortSignal): Promise<void> {
    const stopped = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([this.#o.server.listening, stopped]);
    const unsubscribe = this.#o.server.onCertificate(() => {
      for (const name of this.#desired.keys()) this.#dirty.add(name);
      this.#wake();
      for (const listener of this.#listeners) listener();
    });
    const backoff = new Backoff({ initialMs: 200, maxMs: 30_000 });
    while (!signal.aborted) {
      const wake = new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      const failed = await this.#applyDirty(signal);
      if (!failed && this.#dirty.size === 0) this.#markApplied();
      if (failed) await sleep(backoff.next(), signal);
      else {
        backoff.reset();
        await Promise.race([wake, stopped]);
      }
    }
    unsubscribe();
  }

  /** Applies every dirty configuration; true if one failed (it stays dirty). */
  async #applyDirty(signal: AbortSignal): Promise<boolean> {
    let failed = false;
    for (const name of [...this.#dirty]) {
      const spec = this.#desired.get(name);
      this.#dirty.delete(name);
      if (spec === undefined) continue;
      try {
        await this.#write(spec, signal);
        this.#o.logger.info('webhook configuration applied', { configuration: name });
      } catch (error) {
        if (signal.aborted) return false;
        this.#dirty.add(name);
        failed = true;
        this.#logFailure(name, error);
      }
    }
    return failed;
  }

  /** Creates a missing configuration; otherwise applies what the operator owns in it (configuration-write.ts). */
  async #write(spec: WebhookConfigurationSpec, signal: AbortSignal): Promise<void> {
    const { client, endpoint } = this.#o;
    const body = renderConfiguration(spec, (path) => this.clientConfig(path));
    const live = await client
      .get<LiveConfiguration & KubeObject>(CONFIGURATIONS, '', spec.name, signal)
      .catch((error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)));
    if (live === undefined) return this.#create(spec.name, body, signal);
    const missing = missingWebhooks(live, body);
    if (missing.length > 0) throw new ConfigurationOutdatedError(spec.name, missing);
    if (endpoint.kind === 'service') {
      await this.#apply(spec.name, ownedFields(spec, body), OWNED_FIELDS_MANAGER, signal);
      return;
    }
    const toUrl = pointAtUrlPatch(live, body);
    if (toUrl.length > 0) {
      await client.patch(CONFIGURATIONS, '', spec.name, 'json', toUrl, {
        fieldManager: WEBHOOK_FIELD_MANAGER,
        signal,
      });
    }
    await this.#apply(spec.name, body, WEBHOOK_FIELD_MANAGER, signal);
  }

  async #create(name: string, body: RenderedConfiguration, signal: AbortSignal): Promise<void> {
    try {
      await this.#o.client.create(CONFIGURATIONS, body, { fieldManager: WEBHOOK_FIELD_MANAGER, signal });
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 403) {
        throw new ConfigurationMissingError(name, error.message);
      }
      throw error;
    }
  }

  #apply(name: string, body: object, fieldManager: string, signal: AbortSignal): Promise<unknown> {
    return this.#o.client.patch(CONFIGURATIONS, '', name, 'apply', body, {
      fieldManager,
      force: true,
      signal,
    });
  }

  #logFailure(name: string, error: unknown): void {
    if (error instanceof ConfigurationMissingError || error instanceof ConfigurationOutdatedError) {
      this.#o.logger.error(error.message, { configuration: name });
      return;
    }
    this.#o.logger.error('applying the webhook configuration failed; retrying', {
      configuration: name,
      ...errorFields(error),
    });
  }
}

// The webhook server: HTTPS on node:https, one AdmissionHandler per path, run by the manager on every
// replica (needLeaderElection false: the Service spreads admission calls over all pods). The certificate
// comes from a CertificateSource and is swapped in place (setSecureContext) when it changes; listeners
// (the webhook configurations' caBundle) hear about every change.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { Backoff, type Check, errorFields, type Logger, type Runnable, sleep } from '../runtime/index.ts';
import type { CertificateSource, ServingCertificate } from './certs/source.ts';
import { serveRequest } from './http.ts';
import { type WebhookMetrics, webhookMetrics } from './metrics.ts';
import type { AdmissionHandler } from './review.ts';

export interface WebhookServerOptions {
  /** Default 9443; 0 picks a free port (read it from `port` once `listening` resolves). */
  readonly port?: number;
  /** Default 0.0.0.0. */
  readonly host?: string;
  readonly certificates: CertificateSource;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Deadline when the apiserver sends no `?timeout=`. Default 10 s (the webhooks' timeoutSeconds). */
  readonly defaultTimeoutMs?: number;
  /** Answer this long before the apiserver's timeout. Default 500 ms. */
  readonly timeoutMarginMs?: number;
  /** Largest accepted body: an UPDATE carries two objects of up to 1.5 MiB each. Default 4 MiB. */
  readonly maxBodyBytes?: number;
  /** How long in-flight requests may finish on stop. Default 10 s. */
  readonly shutdownGraceMs?: number;
}

export class WebhookServer implements Runnable {
  readonly name = 'webhook-server';
  readonly needLeaderElection = false;
  /** Resolves with the bound port once the server listens with a certificate. */
  readonly listening: Promise<number>;
  readonly #o: WebhookServerOptions;
  readonly #handlers = new Map<string, AdmissionHandler>();
  readonly #listeners = new Set<(certificate: ServingCertificate) => void>();
  readonly #metrics: WebhookMetrics;
  #markListening: (port: number) => void = () => {};
  #port: number | undefined;
  #certificate: ServingCertificate | undefined;

  constructor(options: WebhookServerOptions) {
    this.#o = options;
    this.#metrics = webhookMetrics(options.registry);
    this.listening = new Promise((resolve) => {
      this.#markListening = resolve;
    });
  }

  /** Serves `handler` at `path` (e.g. `/validate-quota-miloapis-com-v1alpha1-resourceclaim`). */
  register(path: string, handler: AdmissionHandler): void {
    if (!path.startsWith('/')) throw new Error(`webhook path "${path}" must start with /`);
    if (this.#handlers.has(path)) throw new Error(`a webhook is already registered at ${path}`);
    this.#handlers.set(path, handler);
  }

  paths(): string[] {
    return [...this.#handlers.keys()];
  }

  get port(): number | undefined {
    return this.#port;
  }

  get certificate(): ServingCertificate | undefined {
    return this.#certificate;
  }

  /** Calls `listener` with every certificate served from now on (not the current one). */
  onCertificate(listener: (certificate: ServingCertificate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The readiness check: a certificate is loaded and the port is open. */
  readonly ready: Check = () => {
    if (this.#certificate === undefined) {
      throw new Error(`no webhook certificate loaded yet from ${this.#o.certificates.description}`);
    }
    if (this.#port === undefined) throw new Error('the webhook server is not listening yet');
    return true;
  };

  async start(signal: AbortSignal): Promise<void> {
    const first = await this.#loadCertificate(signal);
    if (first === undefined) return;
    this.#certificate = first;
    const server = https.createServer({ cert: first.cert, key: first.key, minVersion: 'TLSv1.2' });
    // Idle connections outlive the apiserver's (Go's 90 s IdleConnTimeout): if the server closed first, a
    // review POSTed on the dying connection would fail, and failurePolicy Fail would refuse the write.
    server.keepAliveTimeout = 120_000;
    const inFlight = new Set<Promise<void>>();
    server.on('request', (req, res) => {
      const done = serveRequest(req, res, {
        handlers: this.#handlers,
        metrics: this.#metrics,
        logger: this.#o.logger,
        stop: signal,
        defaultTimeoutMs: this.#o.defaultTimeoutMs ?? 10_000,
        timeoutMarginMs: this.#o.timeoutMarginMs ?? 500,
        maxBodyBytes: this.#o.maxBodyBytes ?? 4 * 1024 * 1024,
      });
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    });
    server.on('tlsClientError', (error) =>
      this.#o.logger.debug('webhook TLS handshake failed', errorFields(error)),
    );
    await listen(server, this.#o.port ?? 9443, this.#o.host ?? '0.0.0.0');
    this.#port = (server.address() as AddressInfo).port;
    this.#o.logger.info('webhook server listening', {
      port: this.#port,
      paths: this.paths(),
      certificate: this.#o.certificates.description,
    });
    this.#markListening(this.#port);
    await this.#o.certificates.watch(signal, first, (next) => {
      server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
      this.#certificate = next;
      this.#o.logger.info('webhook certificate reloaded', { certificate: this.#o.certificates.description });
      for (const listener of this.#listeners) listener(next);
    });
    server.close();
    const drained = new AbortController();
    const grace = sleep(this.#o.shutdownGraceMs ?? 10_000, drained.signal);
    await Promise.race([Promise.allSettled([...inFlight]), grace]);
    drained.abort();
    server.closeAllConnections();
  }

  /** Loads the first certificate, retrying with backoff (the Secret or files may not exist yet). */
  async #loadCertificate(signal: AbortSignal): Promise<ServingCertificate | undefined> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    while (!signal.aborted) {
      try {
        return await this.#o.certificates.load(signal);
      } catch (error) {
        this.#o.logger.error('cannot load the webhook certificate; retrying', {
          certificate: this.#o.certificates.description,
          ...errorFields(error),
        });
        await sleep(backoff.next(), signal);
      }
    }
    return undefined;
  }
}

/**
 * `reusePort` (SO_REUSEPORT): replicas on one host can share a fixed port, as they share a Service in a cluster,
 * so every replica writes the same URL into the webhook configurations and the kernel spreads the calls.
 */
function listen(server: https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, reusePort: port !== 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

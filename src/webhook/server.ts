// The webhook server: HTTPS on node:https, one AdmissionHandler per path, run by the manager on every
// replica (needLeaderElection false: the Service spreads admission calls over all pods). The certificate
// comes from a CertificateSource and is swapped in place (setSecureContext) when it changes; listeners
// (the webhook configurations' caBundle) hear about every change. With client authentication on, only a
// caller presenting a certificate that chains to the client CA completes the handshake (Node's
// requestCert + rejectUnauthorized): nothing of an unauthenticated request is read or parsed. Every caller,
// authenticated or not, is held to the limits of limits.ts (timeouts from the TCP accept on, sizes,
// connections, reviews in flight), so abusive clients cannot starve the apiserver's calls.
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import type { Registry } from 'prom-client';
import { Backoff, type Check, errorFields, type Logger, type Runnable, sleep } from '../runtime/index.ts';
import type { CertificateSource, ServingCertificate } from './certs/certificate-source.ts';
import { peerChain, verifyChain } from './certs/chain.ts';
import type { ClientCaSource } from './certs/client-ca.ts';
import { Connections } from './connections.ts';
import type { Route } from './http.ts';
import { serveRequest } from './http.ts';
import { BodyBudget, InFlightSlots, type ServerLimits, serverLimits } from './limits.ts';
import {
  type HandshakeRejection,
  type LimitRejection,
  type WebhookMetrics,
  webhookMetrics,
} from './metrics.ts';
import type { AdmissionHandler } from './review.ts';
import type { ScopedCallers } from './scoped-callers.ts';

/** Who may call the server: a client certificate chaining to `ca`, optionally with one of `names` as CN. */
export interface ClientAuthentication {
  readonly ca: ClientCaSource;
  /** Accepted subject common names; undefined or empty accepts any certificate that chains to `ca`. */
  readonly names?: readonly string[] | undefined;
}

export interface WebhookServerOptions {
  /** Default 9443; 0 picks a free port (read it from `port` once `listening` resolves). */
  readonly port?: number;
  /** Default 0.0.0.0. */
  readonly host?: string;
  readonly certificates: CertificateSource;
  /** Require a client certificate (mutual TLS). Undefined: any client that can reach the port may call. */
  readonly clientAuth?: ClientAuthentication | undefined;
  /**
   * Callers trusted on their own paths only (scoped-callers.ts), e.g. member clusters. Needs clientAuth: the
   * server's own paths then check the client CA and names per request instead of at the handshake.
   */
  readonly scopedCallers?: ScopedCallers | undefined;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Deadline when the apiserver sends no `?timeout=`. Default 10 s (the webhooks' timeoutSeconds). */
  readonly defaultTimeoutMs?: number;
  /** Answer this long before the apiserver's timeout. Default 500 ms. */
  readonly timeoutMarginMs?: number;
  /** Sizes, timeouts and caps (limits.ts); unset fields keep their defaults. */
  readonly limits?: Partial<ServerLimits>;
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
  readonly #limits: ServerLimits;
  readonly #connections: Connections;
  /** Sockets with a request whose headers are in: a timeout there is the body's. */
  readonly #reading = new WeakSet<Socket>();
  #markListening: (port: number) => void = () => {};
  #port: number | undefined;
  #certificate: ServingCertificate | undefined;
  #clientCa: string | undefined;
  #scoped: ScopedCallers | undefined;
  #started = false;

  constructor(options: WebhookServerOptions) {
    this.#o = options;
    this.#scoped = options.scopedCallers;
    this.#limits = serverLimits(options.limits);
    this.#connections = new Connections(this.#limits.maxConnections);
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

  /** Serves scoped callers' paths too (before the manager starts; see WebhookServerOptions.scopedCallers). */
  scope(callers: ScopedCallers): void {
    if (this.#started) throw new Error('scoped callers must be set before the webhook server starts');
    this.#scoped = callers;
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
    this.#started = true;
    const first = await this.#retry(signal, 'webhook certificate', this.#o.certificates);
    const auth = this.#o.clientAuth;
    if (this.#scoped !== undefined && auth === undefined)
      throw new Error('scoped webhook callers need client authentication (a client CA) for every other path');
    const clientCa = auth && (await this.#retry(signal, 'webhook client CA', auth.ca));
    if (first === undefined || (auth !== undefined && clientCa === undefined)) return;
    this.#certificate = first;
    this.#clientCa = clientCa;
    const server = this.#createServer(auth !== undefined);
    const unsubscribe = this.#scoped?.onChange(() => server.setSecureContext(this.#secureContext()));
    const inFlight = this.#serve(server, signal);
    this.#guardHandshakes(server);
    this.#guardConnections(server);
    await listen(server, this.#o.port ?? 9443, this.#o.host ?? '0.0.0.0');
    this.#port = (server.address() as AddressInfo).port;
    this.#o.logger.info('webhook server listening', {
      port: this.#port,
      paths: this.paths(),
      certificate: this.#o.certificates.description,
      clientCa: auth?.ca.description ?? 'none (any caller is served)',
    });
    this.#markListening(this.#port);
    await Promise.all([this.#watchCertificate(server, signal, first), this.#watchClientCa(server, signal)]);
    unsubscribe?.();
    server.close();
    const drained = new AbortController();
    const grace = sleep(this.#o.shutdownGraceMs ?? 10_000, drained.signal);
    await Promise.race([Promise.allSettled([...inFlight]), grace]);
    drained.abort();
    server.closeAllConnections();
    this.#connections.closeAll();
  }

  #createServer(clientAuth: boolean): https.Server {
    const l = this.#limits;
    const server = https.createServer({
      ...this.#secureContext(),
      ...(clientAuth ? { requestCert: true, rejectUnauthorized: true } : {}),
      handshakeTimeout: l.handshakeTimeoutMs,
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      maxHeaderSize: l.maxHeaderBytes,
      // how often Node looks for expired headers and requests (default 30 s, far coarser than the timeouts)
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
    });
    server.maxHeadersCount = l.maxHeadersCount;
    return server;
  }

  /** Caps open connections from the TCP accept on, and answers what Node's HTTP parser refuses. */
  #guardConnections(server: https.Server): void {
    const gauge = () => this.#metrics.connections.set(this.#connections.size);
    server.on('connection', (socket: Socket) => {
      const outcome = this.#connections.admit(socket);
      if (outcome === 'refused') this.#limitRejected('too_many_connections');
      if (outcome === 'evicted_idle') this.#limitRejected('idle_connection_closed');
      socket.once('close', gauge);
      gauge();
    });
    // With a listener here Node leaves the answer, and closing the socket, to us (TLS errors come here too).
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      const refusal = httpRefusal(error.code, this.#reading.has(socket));
      if (refusal !== undefined) {
        this.#limitRejected(refusal.reason);
        if (socket.writable) socket.write(refusal.response);
      }
      socket.destroy();
    });
  }

  #limitRejected(reason: LimitRejection): void {
    this.#metrics.limitRejections.inc({ reason });
    this.#o.logger.debug('webhook limit refused a caller', { reason });
  }

  #secureContext(): SecureContextOptions {
    const cert = this.#certificate;
    const bundles = [this.#clientCa ?? '', ...(this.#scoped?.cas() ?? [])].filter((b) => b !== '');
    const ca = this.#clientCa === undefined ? {} : { ca: bundles.join('\n') };
    return { cert: cert?.cert, key: cert?.key, minVersion: 'TLSv1.2', ...ca };
  }

  #serve(server: https.Server, signal: AbortSignal): Set<Promise<void>> {
    const inFlight = new Set<Promise<void>>();
    const slots = new InFlightSlots(this.#limits.maxInFlight);
    const budget = new BodyBudget(this.#limits.bodyBudgetBytes);
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.#reading.add(socket);
      res.once('close', () => this.#reading.delete(socket));
      const done = serveRequest(req, res, {
        route: (path) => this.#route(path),
        paths: () => [...this.paths(), ...(this.#scoped ? [this.#scoped.description] : [])],
        refusedCaller: (path, problem) => this.#rejected('not_allowed_on_path', { path, problem }),
        metrics: this.#metrics,
        logger: this.#o.logger,
        stop: signal,
        defaultTimeoutMs: this.#o.defaultTimeoutMs ?? 10_000,
        timeoutMarginMs: this.#o.timeoutMarginMs ?? 500,
        maxBodyBytes: this.#limits.maxBodyBytes,
        budget,
        slots,
        hold: (r) => this.#connections.hold(r.socket),
      });
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    });
    return inFlight;
  }

  /** Counts and logs refused handshakes; closes verified connections whose name is not allowed. */
  #guardHandshakes(server: https.Server): void {
    server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) =>
      this.#rejected(handshakeRejection(error, socket), {
        ...errorFields(error),
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
      }),
    );
    const names = this.#o.clientAuth?.names ?? [];
    // with scoped callers the handshake admits their certificates too: names are checked per request (#route)
    if (names.length === 0 || this.#scoped !== undefined) return;
    // Ahead of the HTTP listener (which may parse already-received bytes at once): nothing is read.
    server.prependListener('secureConnection', (socket: TLSSocket) => {
      const name = commonName(socket);
      if (name !== undefined && names.includes(name)) return;
      socket.destroy();
      this.#rejected('client_name_not_allowed', { commonName: name ?? '(none)', allowed: names });
    });
  }

  /** The route for `path`: a registered handler (the server's own rule), else a scoped caller's. */
  #route(path: string): Route | undefined {
    const handler = this.#handlers.get(path);
    const scoped = this.#scoped;
    if (handler !== undefined) {
      if (scoped === undefined) return { handler, webhook: path }; // the handshake has decided
      return { handler, webhook: path, authorize: (req) => this.#ownCaller(req.socket as TLSSocket) };
    }
    const route = scoped?.route(path);
    if (route === undefined) return undefined;
    return {
      handler: route.handler,
      webhook: route.webhook,
      authorize: (req) => route.authorize(peerChain(req.socket as TLSSocket)),
    };
  }

  /** The server's own rule, per request: a chain to the client CA and, when names are set, an allowed CN. */
  #ownCaller(socket: TLSSocket): string | undefined {
    const check = verifyChain(this.#clientCa ?? '', peerChain(socket));
    if (!check.ok) return check.problem;
    const names = this.#o.clientAuth?.names ?? [];
    if (names.length > 0 && (check.commonName === undefined || !names.includes(check.commonName)))
      return `the client certificate's CN ${JSON.stringify(check.commonName ?? '')} is not one of the allowed names`;
    return undefined;
  }

  #rejected(reason: HandshakeRejection, fields: Record<string, unknown>): void {
    this.#metrics.handshakeRejections.inc({ reason });
    // debug for probes, scanners and stalled handshakes; a refused client certificate is worth a warning
    const level = reason === 'other' || reason === 'handshake_timeout' ? 'debug' : 'warn';
    this.#o.logger[level]('webhook TLS handshake refused', { reason, ...fields });
  }

  #watchCertificate(server: https.Server, signal: AbortSignal, first: ServingCertificate): Promise<void> {
    return this.#o.certificates.watch(signal, first, (next) => {
      this.#certificate = next;
      server.setSecureContext(this.#secureContext());
      this.#o.logger.info('webhook certificate reloaded', { certificate: this.#o.certificates.description });
      for (const listener of this.#listeners) listener(next);
    });
  }

  async #watchClientCa(server: https.Server, signal: AbortSignal): Promise<void> {
    const auth = this.#o.clientAuth;
    if (auth === undefined || this.#clientCa === undefined) return;
    await auth.ca.watch(signal, this.#clientCa, (next) => {
      this.#clientCa = next;
      server.setSecureContext(this.#secureContext());
      this.#o.logger.info('webhook client CA reloaded', { clientCa: auth.ca.description });
    });
  }

  /** Loads `what` (the first certificate, the client CA), retrying with backoff: files or Secret may come later. */
  async #retry<T>(
    signal: AbortSignal,
    what: string,
    source: { readonly description: string; load(signal: AbortSignal): Promise<T> },
  ): Promise<T | undefined> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    while (!signal.aborted) {
      try {
        return await source.load(signal);
      } catch (error) {
        this.#o.logger.error(`cannot load the ${what}; retrying`, {
          source: source.description,
          ...errorFields(error),
        });
        await sleep(backoff.next(), signal);
      }
    }
    return undefined;
  }
}

/** Why a handshake failed, as a bounded label. */
function handshakeRejection(error: NodeJS.ErrnoException, socket: TLSSocket): HandshakeRejection {
  if (error.code === 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE') return 'no_client_certificate';
  if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'handshake_timeout';
  // Node verifies the client's chain after the handshake and destroys the socket, setting this
  if (socket.authorizationError) return 'client_certificate_not_trusted';
  return 'other';
}

/** The raw answer to a request Node's parser refused or timed out; undefined for TLS and transport errors. */
function httpRefusal(
  code: string | undefined,
  readingBody: boolean,
): { reason: LimitRejection; response: string } | undefined {
  const answer = (status: string) => `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      reason: readingBody ? 'body_timeout' : 'headers_timeout',
      response: answer('408 Request Timeout'),
    };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { reason: 'headers_too_large', response: answer('431 Request Header Fields Too Large') };
  }
  // data after an answer that closed the connection (a refused body still arriving): already counted
  if (code === 'HPE_CLOSED_CONNECTION') return undefined;
  if (code?.startsWith('HPE_')) return { reason: 'bad_request', response: answer('400 Bad Request') };
  return undefined;
}

function commonName(socket: TLSSocket): string | undefined {
  const cn: unknown = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' ? cn : undefined;
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

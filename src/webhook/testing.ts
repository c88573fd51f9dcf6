// Test helpers for the webhook server (no cluster): a certificate source held in memory that tests can
// rotate, serving material from a fresh CA, an HTTPS client that trusts a given CA, and raw TCP/TLS
// connections for the limits tests.
import https from 'node:https';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { Registry } from 'prom-client';
import { createLogger } from '../runtime/index.ts';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueLeaf,
  type PemPair,
} from '../runtime/pki.ts';
import type { CertificateSource, ServingCertificate } from './certs/certificate-source.ts';
import type { AdmissionRequest } from './review.ts';
import { WebhookServer, type WebhookServerOptions } from './server.ts';

/** A serving certificate for 127.0.0.1 and localhost from a new CA. */
export async function localServingCertificate(): Promise<ServingCertificate> {
  const ca = await createCertificateAuthority('test-webhook-ca');
  const leaf = await issueLeaf(ca, {
    subject: 'CN=localhost',
    usage: 'server',
    dnsNames: ['localhost'],
    ips: ['127.0.0.1'],
  });
  return { cert: leaf.cert, key: leaf.key, caBundle: ca.pem.cert };
}

export class MemoryCertificates implements CertificateSource {
  readonly description = 'memory';
  #current: ServingCertificate;
  #onChange: ((c: ServingCertificate) => void) | undefined;

  constructor(initial: ServingCertificate) {
    this.#current = initial;
  }

  async load(): Promise<ServingCertificate> {
    return this.#current;
  }

  async watch(signal: AbortSignal, _current: ServingCertificate, onChange: (c: ServingCertificate) => void) {
    this.#onChange = onChange;
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Serves `next` from now on, as a rotation would. */
  rotate(next: ServingCertificate): void {
    this.#current = next;
    this.#onChange?.(next);
  }
}

export interface HttpsReply {
  readonly status: number;
  readonly body: string;
}

/**
 * POSTs (or sends `method`) to the server on 127.0.0.1, trusting only `ca`, on a fresh connection; with
 * `client`, presents that client certificate.
 */
export function httpsRequest(
  port: number,
  path: string,
  ca: string,
  body: string | undefined,
  options: { method?: string; contentType?: string; client?: PemPair } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'POST',
        ca,
        ...(options.client ? { cert: options.client.cert, key: options.client.key } : {}),
        agent: false,
        headers: { 'Content-Type': options.contentType ?? 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw connection to the server on 127.0.0.1: what it received, and when it closed. */
export interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the milliseconds from opening to close. */
  readonly closed: Promise<number>;
}

function track(socket: Socket, opened: number): RawConnection {
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - opened)));
  return { socket, received: () => text, closed };
}

/** A TCP connection that never starts TLS (a stalled handshake). */
export function openTcp(port: number): Promise<RawConnection> {
  const opened = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(track(socket, opened)));
    socket.once('error', reject);
  });
}

/** A TLS connection, handshake done, trusting `ca` (and presenting `client`); write raw HTTP on it. */
export function openTls(port: number, ca: string, client?: PemPair): Promise<RawConnection> {
  const opened = Date.now();
  return new Promise((resolve, reject) => {
    const identity = client ? { cert: client.cert, key: client.key } : {};
    const socket = tls.connect({ host: '127.0.0.1', port, ca, ...identity }, () =>
      resolve(track(socket, opened)),
    );
    socket.once('error', reject);
  });
}

/** A CREATE request (of a ResourceClaim named x unless `overrides` say otherwise), as the apiserver sends it. */
export const createRequest = (overrides: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  uid: 'u-1',
  kind: { group: 'quota.miloapis.com', version: 'v1alpha1', kind: 'ResourceClaim' },
  resource: { group: 'quota.miloapis.com', version: 'v1alpha1', resource: 'resourceclaims' },
  operation: 'CREATE',
  userInfo: { username: 'alice' },
  object: { metadata: { name: 'x' } },
  ...overrides,
});

/** A CREATE review of a ResourceClaim named x (createRequest()): a body the handlers accept. */
export const CREATE_REVIEW = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: createRequest(),
});

/** A client certificate with common name `cn`, issued by `ca`. */
export const clientCertificate = (ca: CertificateAuthority, cn: string): Promise<PemPair> =>
  issueLeaf(ca, { subject: `CN=${cn}`, usage: 'client' });

/** How many handshakes (or, past them, requests) were refused for `reason`. */
export async function handshakeRejections(registry: Registry, reason: string): Promise<number> {
  const metric = await registry.getSingleMetric('milo_quota_webhook_tls_handshake_rejections_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** A started server on a free 127.0.0.1 port with a fresh serving certificate; `register` adds its handlers. */
export async function startLocalServer(
  options: Partial<Omit<WebhookServerOptions, 'port' | 'host' | 'certificates' | 'registry'>>,
  register: (server: WebhookServer) => void,
) {
  const registry = new Registry();
  const stop = new AbortController();
  const serving = await localServingCertificate();
  const server = new WebhookServer({
    port: 0,
    host: '127.0.0.1',
    certificates: new MemoryCertificates(serving),
    logger: createLogger({ silent: true }),
    registry,
    ...options,
  });
  register(server);
  const running = server.start(stop.signal);
  const port = await server.listening;
  const ca = serving.caBundle ?? '';
  return {
    registry,
    port,
    /** The CA bundle a client must trust. */
    ca,
    /** POST a review (by default CREATE_REVIEW) to `path`, as `client` when given. */
    call: (path: string, client?: PemPair, body = CREATE_REVIEW) =>
      httpsRequest(port, path, ca, body, client ? { client } : {}),
    stop: async () => {
      stop.abort();
      await running;
    },
  };
}

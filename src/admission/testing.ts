// Test helpers for the webhook server (no cluster): a certificate source held in memory that tests can
// rotate, serving material from a fresh CA, and an HTTPS client that trusts a given CA.
import https from 'node:https';
import { createCertificateAuthority, issueLeaf, type PemPair } from './certs/pki.ts';
import type { CertificateSource, ServingCertificate } from './certs/source.ts';

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

// Verifying a TLS peer's certificate chain against a CA bundle after the handshake. The handshake trusts the
// union of every caller's CA; a caller trusted on some paths only is checked here, per request, against its own.
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { splitPemBundle } from './serving-check.ts';

/** The peer's certificate and the intermediates it sent, leaf first, in DER. */
export type PeerChain = readonly Buffer[];

/** The chain the peer of `socket` presented (empty without a client certificate). */
export function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let cert = socket.getPeerCertificate(true);
  while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}

function validAt(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
}

function signedBy(cert: X509Certificate, issuer: X509Certificate, now: Date): boolean {
  return validAt(cert, now) && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** Parsed CA bundles by their PEM: every request on a scoped server checks a chain, the bundles rarely change. */
const parsedRoots = new Map<string, X509Certificate[]>();
const MAX_PARSED_BUNDLES = 64;

function rootsOf(pem: string): X509Certificate[] {
  let roots = parsedRoots.get(pem);
  if (roots === undefined) {
    roots = splitPemBundle(pem).map((cert) => new X509Certificate(cert));
    if (parsedRoots.size >= MAX_PARSED_BUNDLES) parsedRoots.clear();
    parsedRoots.set(pem, roots);
  }
  return roots;
}

export type ChainCheck =
  | { readonly ok: true; readonly commonName: string | undefined }
  | { readonly ok: false; readonly problem: string };

/**
 * Whether `chain` (leaf first) leads to one of the CA certificates in `rootsPem`, every link valid at `now`.
 * On success, the leaf's subject CommonName (undefined unless it has exactly one).
 */
export function verifyChain(rootsPem: string, chain: PeerChain, now = new Date()): ChainCheck {
  const [leafDer, ...rest] = chain;
  if (leafDer === undefined) return { ok: false, problem: 'no client certificate' };
  let leaf: X509Certificate;
  let intermediates: X509Certificate[];
  let roots: X509Certificate[];
  try {
    leaf = new X509Certificate(leafDer);
    intermediates = rest.map((der) => new X509Certificate(der)).filter((c) => c.ca);
    roots = rootsOf(rootsPem);
  } catch {
    return { ok: false, problem: 'the client certificate does not parse' };
  }
  let current = leaf;
  for (let hop = 0; hop <= intermediates.length; hop++) {
    if (roots.some((root) => signedBy(current, root, now))) return { ok: true, commonName: commonName(leaf) };
    const next = intermediates.find((ca) => signedBy(current, ca, now));
    if (next === undefined) break;
    current = next;
  }
  return { ok: false, problem: 'the client certificate does not chain to the CA trusted for this path' };
}

function commonName(cert: X509Certificate): string | undefined {
  const names = cert.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
  return names.length === 1 ? names[0] : undefined;
}

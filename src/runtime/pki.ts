// Certificate generation shared by the webhook's self-managed certificates (src/webhook/certs), the metrics
// server's self-signed certificate and the local control plane (src/envtest): a CA, leaves it signs, and a CA
// loaded back from PEM to sign more. ECDSA P-256 throughout, which Go's TLS (the apiserver calling the webhook)
// and Node's both accept.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto is the same API.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;
/** Certificates start a minute in the past, so a peer whose clock is slightly behind accepts them. */
const BACKDATE_MS = 60_000;

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** A CA that can sign further leaves, with its PEM encodings. */
export interface CertificateAuthority {
  readonly cert: x509.X509Certificate;
  readonly keys: { readonly privateKey: CryptoKey };
  readonly pem: PemPair;
}

export interface ValidityOptions {
  /** Default 7 days (a test control plane's lifetime). */
  readonly validityMs?: number;
  /** The issue time. Default now. */
  readonly now?: Date;
}

export interface LeafOptions extends ValidityOptions {
  /** An X.500 name, e.g. `CN=webhook` or `CN=admin, O=system:masters`. */
  readonly subject: string;
  readonly usage: 'server' | 'client';
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
}

// Random 64-bit positive serials: two processes issuing at once (two replicas) never collide.
const newSerial = (): string => {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
};

function window(options: ValidityOptions): { notBefore: Date; notAfter: Date } {
  const now = (options.now ?? new Date()).getTime();
  return {
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + (options.validityMs ?? 7 * DAY)),
  };
}

export async function newKeyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function publicKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('spki', key);
  return x509.PemConverter.encode(der, 'PUBLIC KEY');
}

export async function createCertificateAuthority(
  commonName: string,
  options: ValidityOptions = {},
): Promise<CertificateAuthority> {
  const keys = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: `CN=${commonName}`,
    ...window(options),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert, keys, pem: { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) } };
}

/** A CA from its PEM certificate and PKCS#8 key (as kept in a Secret), to sign new leaves. */
export async function loadCertificateAuthority(pem: PemPair): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(pem.cert);
  const der = x509.PemConverter.decodeFirst(pem.key);
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    der,
    { name: 'ECDSA', namedCurve: 'P-256' },
    true,
    ['sign'],
  );
  return { cert, keys: { privateKey }, pem };
}

/** Issues a leaf certificate signed by `issuer`. */
export async function issueLeaf(issuer: CertificateAuthority, options: LeafOptions): Promise<PemPair> {
  const keys = await newKeyPair();
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const purpose =
    options.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([purpose], false),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: options.subject,
    issuer: issuer.cert.subject,
    ...window(options),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

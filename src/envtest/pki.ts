// Certificates for a local control plane: one CA that signs the apiserver's
// serving certificate and the admin client certificate, plus the service
// account signing key pair. ECDSA P-256, like envtest's tinyca.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
// @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto is the same API.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const validity = 7 * 24 * 3600 * 1000;

export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

export interface Pki {
  readonly ca: PemPair;
  readonly serving: PemPair;
  readonly admin: PemPair;
  /** Service-account token signing key pair (public key as PEM, private key as PEM). */
  readonly serviceAccount: { readonly publicKey: string; readonly privateKey: string };
}

interface Issuer {
  readonly cert: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
}

let serial = 1;
const nextSerial = (): string => (serial++).toString(16).padStart(2, '0');

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function publicKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('spki', key);
  return x509.PemConverter.encode(der, 'PUBLIC KEY');
}

async function createCa(commonName: string): Promise<Issuer> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validity),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert, keys };
}

export interface LeafOptions {
  readonly subject: string;
  readonly usage: 'server' | 'client';
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
}

/** Issues a leaf certificate signed by `issuer`; exported for the webhook's serving certificate. */
export async function issueLeaf(issuer: Issuer, options: LeafOptions): Promise<PemPair> {
  const keys = await newKeys();
  const now = Date.now();
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
    serialNumber: nextSerial(),
    subject: options.subject,
    issuer: issuer.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validity),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** A CA that can sign further leaves, with its PEM encodings. */
export interface CertificateAuthority extends Issuer {
  readonly pem: PemPair;
}

export async function createCertificateAuthority(commonName: string): Promise<CertificateAuthority> {
  const ca = await createCa(commonName);
  return { ...ca, pem: { cert: ca.cert.toString('pem'), key: await privateKeyPem(ca.keys.privateKey) } };
}

export async function generatePki(): Promise<Pki> {
  const ca = await createCertificateAuthority('milo-quota-envtest-ca');
  const serving = await issueLeaf(ca, {
    subject: 'CN=kube-apiserver',
    usage: 'server',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ips: ['127.0.0.1', '10.0.0.1'],
  });
  const admin = await issueLeaf(ca, { subject: 'CN=admin, O=system:masters', usage: 'client' });
  const saKeys = (await webcrypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  return {
    ca: ca.pem,
    serving,
    admin,
    serviceAccount: {
      publicKey: await publicKeyPem(saKeys.publicKey),
      privateKey: await privateKeyPem(saKeys.privateKey),
    },
  };
}

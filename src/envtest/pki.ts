// Certificates for a local control plane: one CA that signs the apiserver's serving certificate and the
// admin client certificate, the service account signing key pair, and a separate webhook-client CA with the
// certificate the apiserver presents to admission webhooks. ECDSA P-256, like envtest's tinyca.
// The generation itself is shared with the webhook's self-managed certificates (src/webhook/certs, src/runtime/pki.ts).
import { webcrypto } from 'node:crypto';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueLeaf,
  type LeafOptions,
  type PemPair,
  privateKeyPem,
  publicKeyPem,
} from '../runtime/pki.ts';

export { type CertificateAuthority, createCertificateAuthority, issueLeaf, type LeafOptions, type PemPair };

type CryptoKeyPair = webcrypto.CryptoKeyPair;

export interface Pki {
  readonly ca: PemPair;
  readonly serving: PemPair;
  readonly admin: PemPair;
  /** The CA webhooks trust for callers (the operator's `--webhook-client-ca-file`); its key signs test clients. */
  readonly webhookClientCa: PemPair;
  /** The client certificate kube-apiserver presents when it calls a webhook (CN WEBHOOK_CLIENT_NAME). */
  readonly webhookClient: PemPair;
  /** Service-account token signing key pair (public key as PEM, private key as PEM). */
  readonly serviceAccount: { readonly publicKey: string; readonly privateKey: string };
}

/** The common name of the apiserver's webhook client certificate (for `--webhook-client-names`). */
export const WEBHOOK_CLIENT_NAME = 'kube-apiserver-webhook-client';

export async function generatePki(): Promise<Pki> {
  const ca = await createCertificateAuthority('milo-quota-envtest-ca');
  const serving = await issueLeaf(ca, {
    subject: 'CN=kube-apiserver',
    usage: 'server',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ips: ['127.0.0.1', '10.0.0.1'],
  });
  const admin = await issueLeaf(ca, { subject: 'CN=admin, O=system:masters', usage: 'client' });
  // a CA of its own: trusting the cluster CA would let any cluster user (admin included) call the webhook
  const webhookClientCa = await createCertificateAuthority('milo-quota-envtest-webhook-client-ca');
  const webhookClient = await issueLeaf(webhookClientCa, {
    subject: `CN=${WEBHOOK_CLIENT_NAME}`,
    usage: 'client',
  });
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
    webhookClientCa: webhookClientCa.pem,
    webhookClient,
    serviceAccount: {
      publicKey: await publicKeyPem(saKeys.publicKey),
      privateKey: await privateKeyPem(saKeys.privateKey),
    },
  };
}

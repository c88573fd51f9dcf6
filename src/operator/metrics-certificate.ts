// The serving certificate of the secure metrics endpoint: made in memory at start and never stored, as
// controller-runtime does without a cert dir. Scrapers verify the token exchange, not the server: Prometheus
// uses insecure_skip_verify for it (docs/deploy.md "Metrics"). Lasts a year; a restart makes a new one.
import { createCertificateAuthority, issueLeaf, type TlsPair } from '../runtime/index.ts';

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A leaf for the metrics Service's names, localhost and loopback, with its issuing CA in the chain. */
export async function selfSignedMetricsCertificate(namespace: string, serviceName: string): Promise<TlsPair> {
  const ca = await createCertificateAuthority('milo-quota-metrics-ca', { validityMs: YEAR_MS });
  const leaf = await issueLeaf(ca, {
    subject: 'CN=milo-quota-metrics',
    usage: 'server',
    dnsNames: [
      `${serviceName}.${namespace}.svc`,
      `${serviceName}.${namespace}.svc.cluster.local`,
      'localhost',
    ],
    ips: ['127.0.0.1', '::1'],
    validityMs: YEAR_MS,
  });
  return { cert: `${leaf.cert.trim()}\n${ca.pem.cert.trim()}\n`, key: leaf.key };
}

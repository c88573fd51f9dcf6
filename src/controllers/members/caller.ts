// Who may call a member's webhook path (docs/multicluster.md, "Path and identity"): only that member's
// apiserver, proven by a client certificate that chains to the member's own webhook-client CA and carries the
// member's CommonName. The TLS handshake accepts any trusted CA (the quota cluster's and every member's); this
// check, per path, is what stops p2's apiserver (or a tenant holding some other client certificate) from
// calling p1's path and charging p1. Pure: the server passes the peer's certificate chain in DER.
import { X509Certificate } from 'node:crypto';
import { KEY_WEBHOOK_CLIENT_CA, type MemberCluster } from '../../api/index.ts';

/** The peer's certificate and the intermediates it sent, leaf first, in DER. */
export type PeerChain = readonly Buffer[];

/** CA certificates in a PEM bundle. */
function pemCertificates(bundle: string): X509Certificate[] {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/** True when `cert` is signed by one of `issuers` and valid now. */
function signedBy(cert: X509Certificate, issuers: readonly X509Certificate[], now: Date): boolean {
  if (new Date(cert.validFrom) > now || new Date(cert.validTo) < now) return false;
  return issuers.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
}

/** The subject's CommonName, if it has exactly one. */
function commonName(cert: X509Certificate): string | undefined {
  const names = cert.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
  return names.length === 1 ? names[0] : undefined;
}

/**
 * Undefined when `chain` proves the caller is `member`'s apiserver, else why not (for the log and the 403;
 * never echoed from the certificate beyond its CN).
 */
export function memberCallerProblem(
  member: MemberCluster,
  chain: PeerChain,
  now = new Date(),
): string | undefined {
  if (member.webhookClientCa === undefined)
    return `member ${member.name} has no ${KEY_WEBHOOK_CLIENT_CA} in its Secret: its webhook path is closed`;
  const [leafDer, ...intermediateDer] = chain;
  if (leafDer === undefined) return 'no client certificate';
  let leaf: X509Certificate;
  let intermediates: X509Certificate[];
  try {
    leaf = new X509Certificate(leafDer);
    intermediates = intermediateDer.map((der) => new X509Certificate(der));
  } catch {
    return 'the client certificate does not parse';
  }
  const roots = pemCertificates(member.webhookClientCa);
  // walk leaf → intermediates → one of the member's roots
  let current = leaf;
  for (let hops = 0; hops <= intermediates.length; hops++) {
    if (signedBy(current, roots, now)) {
      const cn = commonName(leaf);
      return cn === member.webhookClientName
        ? undefined
        : `the client certificate's CN ${JSON.stringify(cn ?? '')} is not member ${member.name}'s ${JSON.stringify(member.webhookClientName)}`;
    }
    const next = intermediates.find((ca) => ca.ca && signedBy(current, [ca], now));
    if (next === undefined) break;
    current = next;
  }
  return `the client certificate does not chain to member ${member.name}'s webhook client CA`;
}

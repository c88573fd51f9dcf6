// Whether a serving certificate can still be used: parses, matches its key, chains to the CA, names every
// host the apiserver may dial, and is not inside its renewal window. Used on a Secret another replica wrote
// (reuse if valid) and on files mounted by cert-manager (refuse to serve garbage, keep the last good one).
import { createPrivateKey, X509Certificate } from 'node:crypto';

export interface ServingMaterial {
  /** PEM chain; the first certificate is the serving one. */
  readonly cert: string;
  /** PEM private key of the serving certificate. */
  readonly key: string;
  /** PEM CA bundle; the first certificate signed `cert`. Absent when an outside party (cert-manager) owns it. */
  readonly ca?: string | undefined;
}

export interface ServingRequirements {
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
  readonly now: Date;
  /** A certificate expiring sooner than this is due for renewal. */
  readonly renewBeforeMs: number;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a bundle, in order. */
export function splitPemBundle(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

function parse(pem: string, what: string): X509Certificate {
  const first = splitPemBundle(pem)[0];
  if (first === undefined) throw new Error(`${what} holds no PEM certificate`);
  try {
    return new X509Certificate(first);
  } catch (error) {
    throw new Error(`${what} is not a valid certificate: ${(error as Error).message}`);
  }
}

function expiryProblem(cert: X509Certificate, what: string, req: ServingRequirements): string | undefined {
  const now = req.now.getTime();
  if (new Date(cert.validFrom).getTime() > now) return `${what} is not valid before ${cert.validFrom}`;
  const notAfter = new Date(cert.validTo).getTime();
  if (notAfter - now < req.renewBeforeMs)
    return `${what} expires at ${cert.validTo}, inside its renewal window`;
  return undefined;
}

/** Why `material` cannot be served as is (to be replaced), or undefined when it is good. */
export function servingProblem(material: ServingMaterial, req: ServingRequirements): string | undefined {
  try {
    const cert = parse(material.cert, 'the serving certificate');
    if (!cert.checkPrivateKey(createPrivateKey(material.key))) {
      return 'the serving certificate does not match its private key';
    }
    const missing = [
      ...req.dnsNames.filter((name) => cert.checkHost(name, { wildcards: false }) === undefined),
      ...req.ips.filter((ip) => cert.checkIP(ip) === undefined),
    ];
    if (missing.length > 0) return `the serving certificate does not name ${missing.join(', ')}`;
    const expiry = expiryProblem(cert, 'the serving certificate', req);
    if (expiry !== undefined) return expiry;
    if (material.ca === undefined) return undefined;
    const ca = parse(material.ca, 'the CA bundle');
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
      return 'the serving certificate is not signed by the first CA of the bundle';
    }
    return expiryProblem(ca, 'the CA certificate', req);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The certificates of `bundle` still valid at `now` (expired CAs are dropped from a caBundle). */
export function unexpired(bundle: string, now: Date): string[] {
  return splitPemBundle(bundle).filter((pem) => {
    try {
      return new Date(new X509Certificate(pem).validTo).getTime() > now.getTime();
    } catch {
      return false;
    }
  });
}

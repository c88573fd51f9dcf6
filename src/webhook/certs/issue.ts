// Issuing the self-managed serving material: a new serving certificate from the existing CA when that CA
// can still cover it, otherwise a new CA too. A replaced CA stays in the bundle until it expires, so a
// replica still serving a certificate from the old CA is trusted while it catches up.

import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueLeaf,
  loadCertificateAuthority,
} from '../../runtime/pki.ts';
import { type ServingMaterial, servingProblem, splitPemBundle, unexpired } from './serving-check.ts';

export interface IssueOptions {
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
  readonly caValidityMs: number;
  readonly certValidityMs: number;
  readonly renewBeforeMs: number;
  readonly now: Date;
}

/** What the Secret holds: the serving pair, the CA bundle, and the signing CA's key. */
export interface SelfManagedMaterial extends ServingMaterial {
  readonly ca: string;
  readonly caKey: string;
}

export const CA_COMMON_NAME = 'milo-quota-webhook-ca';

/** The signing CA of `previous` if it is intact and outlives a new serving certificate; else undefined. */
async function reusableCa(
  previous: Partial<SelfManagedMaterial> | undefined,
  options: IssueOptions,
): Promise<CertificateAuthority | undefined> {
  const cert = previous?.ca === undefined ? undefined : splitPemBundle(previous.ca)[0];
  if (cert === undefined || previous?.caKey === undefined) return undefined;
  try {
    const ca = await loadCertificateAuthority({ cert, key: previous.caKey });
    const remaining = ca.cert.notAfter.getTime() - options.now.getTime();
    return remaining > options.certValidityMs + options.renewBeforeMs ? ca : undefined;
  } catch {
    return undefined;
  }
}

/** New serving material, keeping the CA of `previous` when it can be kept. */
export async function issueServingMaterial(
  previous: Partial<SelfManagedMaterial> | undefined,
  options: IssueOptions,
): Promise<SelfManagedMaterial> {
  let ca = await reusableCa(previous, options);
  let bundle = previous?.ca ?? '';
  if (ca === undefined) {
    ca = await createCertificateAuthority(CA_COMMON_NAME, {
      validityMs: options.caValidityMs,
      now: options.now,
    });
    // the new CA first (it signs), then old ones still valid, at most one of them
    bundle = [ca.pem.cert.trim(), ...unexpired(bundle, options.now).slice(0, 1)].join('\n');
  }
  const leaf = await issueLeaf(ca, {
    subject: `CN=${options.dnsNames[0] ?? 'milo-quota-webhook'}`,
    usage: 'server',
    dnsNames: options.dnsNames,
    ips: options.ips,
    validityMs: options.certValidityMs,
    now: options.now,
  });
  return { cert: leaf.cert, key: leaf.key, ca: `${bundle.trim()}\n`, caKey: ca.pem.key };
}

/** Why `material` must be reissued, or undefined when it can be served as is. */
export function materialProblem(
  material: Partial<SelfManagedMaterial>,
  options: IssueOptions,
): string | undefined {
  const { cert, key, ca, caKey } = material;
  if (cert === undefined || key === undefined || ca === undefined || caKey === undefined) {
    return 'the Secret lacks one of tls.crt, tls.key, ca.crt, ca.key';
  }
  return servingProblem({ cert, key, ca }, options);
}

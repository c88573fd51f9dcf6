// Where the webhook server's certificate comes from: the operator's own Secret (self-managed) or files
// mounted by cert-manager. The server and the webhook configurations only see this interface.

export interface ServingCertificate {
  /** PEM chain served by the webhook. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
  /** PEM CA bundle for the webhook configurations' caBundle; undefined leaves caBundle to someone else. */
  readonly caBundle: string | undefined;
}

export interface CertificateSource {
  /** For logs and errors, e.g. `secret quota-system/milo-quota-webhook-tls`. */
  readonly description: string;
  /** The first usable certificate (creating it if this source manages one); rejects with the reason if none. */
  load(signal: AbortSignal): Promise<ServingCertificate>;
  /**
   * Runs until `signal` aborts, calling `onChange` with each certificate that differs from the last one
   * (starting from `current`, what `load` gave): rotation, remounted files.
   */
  watch(
    signal: AbortSignal,
    current: ServingCertificate,
    onChange: (certificate: ServingCertificate) => void,
  ): Promise<void>;
}

function sameCertificate(a: ServingCertificate, b: ServingCertificate): boolean {
  return a.cert === b.cert && a.key === b.key && a.caBundle === b.caBundle;
}

/**
 * What a watch does on each trigger (a changed file, a periodic check): `reload`, and call `onChange` when the
 * certificate differs from the last one seen (starting from `current`). A reload that fails goes to `failed`,
 * and the certificate being served is kept.
 */
export function reloader(
  current: ServingCertificate,
  onChange: (certificate: ServingCertificate) => void,
  reload: () => Promise<ServingCertificate>,
  failed: (error: unknown) => void,
): () => Promise<void> {
  let last = current;
  return async () => {
    try {
      const next = await reload();
      if (sameCertificate(last, next)) return;
      last = next;
      onChange(next);
    } catch (error) {
      failed(error);
    }
  };
}

// Certificates provided from outside (cert-manager's Secret mounted as a directory): `tls.crt`, `tls.key`
// and, if present, `ca.crt`. The kubelet swaps the files in place when cert-manager renews them, so the
// directory is watched (fs.watch, plus a slow poll for filesystems that drop events) and a new pair is served
// once it parses and matches its key; a half-written or broken pair is logged and the last good one kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorFields } from '../../runtime/index.ts';
import { type CertificateSource, reloader, type ServingCertificate } from './certificate-source.ts';
import { servingProblem } from './serving-check.ts';
import { type DirectoryWatch, watchDirectory } from './watch.ts';

export type FileCertificatesOptions = DirectoryWatch;

async function optional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export class FileCertificates implements CertificateSource {
  readonly description: string;
  readonly #o: FileCertificatesOptions;

  constructor(options: FileCertificatesOptions) {
    this.#o = options;
    this.description = `directory ${options.dir}`;
  }

  async load(): Promise<ServingCertificate> {
    const { dir } = this.#o;
    const [cert, key, ca] = await Promise.all(
      ['tls.crt', 'tls.key', 'ca.crt'].map((f) => optional(join(dir, f))),
    );
    if (cert === undefined || key === undefined) {
      throw new Error(
        `${this.description} must hold tls.crt and tls.key (mount the cert-manager Secret there, or drop --webhook-cert-dir to let the operator manage its own certificate)`,
      );
    }
    const problem = servingProblem(
      { cert, key },
      { dnsNames: [], ips: [], now: new Date(), renewBeforeMs: 0 },
    );
    if (problem !== undefined) throw new Error(`${this.description}: ${problem}`);
    return { cert, key, caBundle: ca };
  }

  async watch(
    signal: AbortSignal,
    current: ServingCertificate,
    onChange: (c: ServingCertificate) => void,
  ): Promise<void> {
    const { dir, logger } = this.#o;
    const notUsable = (error: unknown) =>
      logger.warn('webhook certificate files not usable; still serving the previous ones', {
        dir,
        ...errorFields(error),
      });
    await watchDirectory(
      this.#o,
      signal,
      reloader(current, onChange, () => this.load(), notUsable),
    );
  }
}

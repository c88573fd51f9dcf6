// The CA bundle client certificates must chain to (`--webhook-client-ca-file`): the webhook server only
// completes a TLS handshake with a caller that presents such a certificate (the apiserver, configured with an
// AdmissionConfiguration). The file is checked at start (refused with the fix) and watched afterwards, so a
// ConfigMap or Secret update (a CA rotation) is picked up without a restart.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorFields, type Logger } from '../../runtime/index.ts';
import { splitPemBundle } from './serving-check.ts';
import { watchDirectory } from './watch.ts';

/** Why `pem` is not a usable CA bundle, or undefined. */
export function caBundleProblem(pem: string): string | undefined {
  const certs = splitPemBundle(pem);
  if (certs.length === 0) return 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
  for (const [i, cert] of certs.entries()) {
    try {
      new X509Certificate(cert);
    } catch (error) {
      return `certificate ${i + 1} of ${certs.length} does not parse: ${(error as Error).message}`;
    }
  }
  return undefined;
}

/** Reads and checks the bundle at `path`; throws an Error saying what is wrong with it. */
export function readCaBundleSync(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const problem = caBundleProblem(pem);
  if (problem !== undefined) throw new Error(`${path} ${problem}`);
  return pem;
}

/** Where the trusted client CA bundle comes from; the server only sees this interface. */
export interface ClientCaSource {
  readonly description: string;
  load(): Promise<string>;
  /** Calls `onChange` with each usable bundle that differs from the last, until `signal` aborts. */
  watch(signal: AbortSignal, current: string, onChange: (pem: string) => void): Promise<void>;
}

export class ClientCaFile implements ClientCaSource {
  readonly description: string;
  readonly #path: string;
  readonly #logger: Logger;
  readonly #pollIntervalMs: number | undefined;

  constructor(options: { path: string; logger: Logger; pollIntervalMs?: number }) {
    this.#path = options.path;
    this.#logger = options.logger;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.description = `file ${options.path}`;
  }

  async load(): Promise<string> {
    const pem = await readFile(this.#path, 'utf8');
    const problem = caBundleProblem(pem);
    if (problem !== undefined) throw new Error(`${this.#path} ${problem}`);
    return pem;
  }

  async watch(signal: AbortSignal, current: string, onChange: (pem: string) => void): Promise<void> {
    let last = current;
    const dir = dirname(this.#path);
    const poll = this.#pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#pollIntervalMs };
    await watchDirectory({ dir, logger: this.#logger, ...poll }, signal, async () => {
      try {
        const next = await this.load();
        if (next === last) return;
        last = next;
        onChange(next);
      } catch (error) {
        this.#logger.warn('webhook client CA file not usable; still trusting the previous one', {
          file: this.#path,
          ...errorFields(error),
        });
      }
    });
  }
}

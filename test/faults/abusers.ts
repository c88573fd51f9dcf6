// Starts the abusive clients of connection-abuse.test.ts in a worker thread (abusers-worker.ts) and reads
// how many of their connections are open right now.
import { Worker } from 'node:worker_threads';
import type { PemPair } from '../../src/runtime/index.ts';

export const ABUSE_KINDS = [
  /** past TLS with the client certificate, then headers trickling in */
  'slowloris',
  /** past TLS, headers complete, the body trickling in */
  'slowBody',
  /** past TLS, Content-Length 64 MiB, the body sent as fast as it goes */
  'oversizedLength',
  /** past TLS, a chunked body sent as fast as it goes */
  'oversizedChunked',
  /** past TLS, then nothing */
  'idleAfterHandshake',
  /** no certificate: TCP open, half a TLS record, then nothing */
  'stalledHandshake',
  /** no certificate: a full handshake attempt (refused with client auth on) */
  'refusedHandshake',
] as const;
export type AbuseKind = (typeof ABUSE_KINDS)[number];

export interface AbuseOptions {
  /** The webhook port on 127.0.0.1. */
  readonly port: number;
  /** The serving CA (clients check the server like the apiserver does). */
  readonly ca: string;
  /** The apiserver's webhook client certificate, for the kinds that get past TLS. */
  readonly client: PemPair;
  readonly clients: Readonly<Record<AbuseKind, number>>;
  /** The clients stop by themselves after this long. */
  readonly durationMs: number;
  /** Filled in by startAbuse. */
  readonly counters: SharedArrayBuffer;
}

export interface AbuseReport {
  /** Connections each kind opened over the whole run. */
  readonly opened: Record<AbuseKind, number>;
}

export interface OpenConnections {
  /** TCP connections of each kind open right now (the server holds a socket for each). */
  readonly open: Record<AbuseKind, number>;
  /** Of those, the ones whose TLS handshake is done (with the apiserver's client certificate). */
  readonly pastTls: Record<AbuseKind, number>;
}

export interface Abuse {
  openNow(): OpenConnections;
  /** Stops the clients; resolves with what they did. */
  stop(): Promise<AbuseReport>;
}

const read = (view: Int32Array, offset: number) =>
  Object.fromEntries(ABUSE_KINDS.map((kind, i) => [kind, Atomics.load(view, offset + i)])) as Record<
    AbuseKind,
    number
  >;

export function startAbuse(options: Omit<AbuseOptions, 'counters'>): Abuse {
  const counters = new SharedArrayBuffer(ABUSE_KINDS.length * 3 * Int32Array.BYTES_PER_ELEMENT);
  const view = new Int32Array(counters);
  const worker = new Worker(new URL('./abusers-worker.ts', import.meta.url), {
    workerData: { ...options, counters } satisfies AbuseOptions,
  });
  const report = new Promise<AbuseReport>((resolve, reject) => {
    worker.once('message', (message: AbuseReport) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the abuse worker exited (${code}) without a report`)));
  });
  return {
    openNow: () => ({ open: read(view, 0), pastTls: read(view, ABUSE_KINDS.length) }),
    stop: async () => {
      worker.postMessage('stop');
      return report;
    },
  };
}

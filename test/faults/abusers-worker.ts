// The abusive clients of connection-abuse.test.ts, in a worker thread so their own work does not share the
// operator's event loop (a real attacker is another machine). Every client loops — connect, abuse, wait to be
// cut off, reconnect — until told to stop or its deadline passes; only 127.0.0.1 is ever contacted. Open
// connections per kind are kept in shared counters the test reads while its creates run.
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { ABUSE_KINDS, type AbuseKind, type AbuseOptions, type AbuseReport } from './abusers.ts';

const HOST = '127.0.0.1';
const options = workerData as AbuseOptions;
/** [0, n): open connections per kind; [n, 2n): those past TLS; [2n, 3n): connections opened per kind. */
const counters = new Int32Array(options.counters);
const n = ABUSE_KINDS.length;
const sockets = new Set<Socket>();
let stopped = false;

const PAUSE_MS: Record<AbuseKind, number> = {
  slowloris: 50,
  slowBody: 50,
  oversizedLength: 200,
  oversizedChunked: 500,
  idleAfterHandshake: 50,
  stalledHandshake: 50,
  refusedHandshake: 500,
};
const PATH = '/enforce-quota';
const head = (extra: string) =>
  `POST ${PATH} HTTP/1.1\r\nHost: ${HOST}\r\nContent-Type: application/json\r\n${extra}\r\n`;

/**
 * Opens one connection of `kind`; resolves when it is closed (by the server, or on stop). It counts as open
 * from the TCP connect (the server holds a socket from then on), and as past TLS once the handshake is done.
 */
function connection(kind: AbuseKind): Promise<void> {
  return new Promise((resolve) => {
    const socket = open(kind);
    const index = ABUSE_KINDS.indexOf(kind);
    const held: number[] = [];
    const count = (slot: number) => {
      held.push(slot);
      Atomics.add(counters, slot, 1);
    };
    let timer: NodeJS.Timeout | undefined;
    sockets.add(socket);
    socket.once('connect', () => {
      count(index);
      Atomics.add(counters, 2 * n + index, 1);
      if (kind === 'stalledHandshake') timer = abuse(kind, socket);
    });
    socket.once('secureConnect', () => {
      count(n + index);
      timer = abuse(kind, socket);
    });
    socket.on('error', () => {});
    socket.on('data', () => {});
    socket.once('close', () => {
      for (const slot of held) Atomics.sub(counters, slot, 1);
      clearInterval(timer);
      sockets.delete(socket);
      resolve();
    });
  });
}

function open(kind: AbuseKind): Socket {
  if (kind === 'stalledHandshake') return net.connect(options.port, HOST);
  const identity = kind === 'refusedHandshake' ? {} : { cert: options.client.cert, key: options.client.key };
  return tls.connect({ host: HOST, port: options.port, ca: options.ca, ...identity });
}

/** Starts `kind`'s abuse on an open connection; returns its timer, if any. */
function abuse(kind: AbuseKind, socket: Socket): NodeJS.Timeout | undefined {
  const trickle = (text: () => string) => setInterval(() => socket.writable && socket.write(text()), 500);
  switch (kind) {
    case 'slowloris': {
      socket.write(`POST ${PATH} HTTP/1.1\r\n`);
      let i = 0;
      return trickle(() => `X-Slow-${i++}: x\r\n`);
    }
    case 'slowBody':
      socket.write(`${head('Content-Length: 100000\r\n')}{`);
      return trickle(() => ' '.repeat(10));
    case 'oversizedLength':
      socket.write(head(`Content-Length: ${64 * 1024 * 1024}\r\n`));
      flood(socket, (chunk) => chunk);
      return undefined;
    case 'oversizedChunked':
      socket.write(head('Transfer-Encoding: chunked\r\n'));
      flood(socket, (chunk) => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      return undefined;
    case 'stalledHandshake':
      // a TLS record header announcing a ClientHello that never comes
      socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
      return undefined;
    default:
      return undefined;
  }
}

const CHUNK = 'x'.repeat(64 * 1024);

/** Writes as fast as the connection takes it, until it closes. */
function flood(socket: Socket, frame: (chunk: string) => string): void {
  const pump = () => {
    while (socket.writable && socket.write(frame(CHUNK))) {}
  };
  socket.on('drain', pump);
  pump();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts at a random moment in the first 2 s and jitters its pauses, so the clients are not cut off in step. */
async function client(kind: AbuseKind): Promise<void> {
  await pause(Math.random() * 2000);
  while (!stopped) {
    await connection(kind);
    await pause(PAUSE_MS[kind] + Math.random() * 200);
  }
}

function stop(): void {
  stopped = true;
  for (const socket of sockets) socket.destroy();
}

const deadline = setTimeout(stop, options.durationMs);
parentPort?.on('message', (message: unknown) => {
  if (message === 'stop') stop();
});
// the clients keep the worker alive, not the channel: it exits once they have stopped
parentPort?.unref();
const clients = ABUSE_KINDS.flatMap((kind) =>
  Array.from({ length: options.clients[kind] }, () => client(kind)),
);
await Promise.all(clients);
clearTimeout(deadline);
const opened = Object.fromEntries(ABUSE_KINDS.map((kind, i) => [kind, Atomics.load(counters, 2 * n + i)]));
const report: AbuseReport = { opened: opened as Record<AbuseKind, number> };
parentPort?.postMessage(report);

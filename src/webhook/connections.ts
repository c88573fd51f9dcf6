// Open connections to the webhook server, counted from the TCP accept (so TLS handshakes count too), in
// least-recently-active order. At the cap, a new connection closes the least recently active one that is
// not serving a review — an idle keep-alive connection or a client stalled in its handshake, headers or body
// — and is refused only when every connection is serving one. A connection counts as active when it opens,
// when a request's body is complete (it is then busy until its answer is written) and when it answers; bytes
// trickling in do not count, so a slowloris cannot keep itself fresh.
import type { Socket } from 'node:net';

interface Connection {
  readonly socket: Socket;
  busy: number;
}

/** A connection's identity as the raw socket and the TLS socket wrapping it both see it. */
export const connectionKey = (socket: Socket): string => `${socket.remoteAddress}:${socket.remotePort}`;

export type ConnectionOutcome = 'admitted' | 'evicted_idle' | 'refused';

export class Connections {
  readonly #max: number;
  /** Insertion order is activity order: the first entry is the least recently active. */
  readonly #open = new Map<string, Connection>();

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Tracks a newly accepted socket, closing an idle one to make room or refusing this one at the cap. */
  admit(socket: Socket): ConnectionOutcome {
    let outcome: ConnectionOutcome = 'admitted';
    if (this.#open.size >= this.#max) {
      const idle = this.#leastRecentIdle();
      if (idle === undefined) {
        socket.destroy();
        return 'refused';
      }
      this.#forget(idle);
      idle.destroy();
      outcome = 'evicted_idle';
    }
    const key = connectionKey(socket);
    this.#open.set(key, { socket, busy: 0 });
    socket.once('close', () => {
      if (this.#open.get(key)?.socket === socket) this.#open.delete(key);
    });
    return outcome;
  }

  /** Marks the connection busy until the returned function is called (the answer is written). */
  hold(socket: Socket): () => void {
    const key = connectionKey(socket);
    const connection = this.#touch(key);
    if (connection === undefined) return () => {};
    connection.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      connection.busy--;
      this.#touch(key);
    };
  }

  /** Closes every connection still open (on shutdown, after in-flight reviews are answered). */
  closeAll(): void {
    for (const connection of this.#open.values()) connection.socket.destroy();
    this.#open.clear();
  }

  #touch(key: string): Connection | undefined {
    const connection = this.#open.get(key);
    if (connection === undefined) return undefined;
    this.#open.delete(key);
    this.#open.set(key, connection);
    return connection;
  }

  #leastRecentIdle(): Socket | undefined {
    for (const connection of this.#open.values()) if (connection.busy === 0) return connection.socket;
    return undefined;
  }

  #forget(socket: Socket): void {
    this.#open.delete(connectionKey(socket));
  }
}

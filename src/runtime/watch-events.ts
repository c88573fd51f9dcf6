// Decodes a watch response (one JSON event per line). A line that does not parse, or is not an event, is an
// error here, not skipped as client-node's Watch does: a skipped line is a lost event, so the reflector
// reconnects from the last good resourceVersion and the apiserver sends it again.
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

/** The `metav1.Status` an ERROR event carries. */
export interface WatchStatus {
  code?: number;
  reason?: string;
  message?: string;
}

export class WatchDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchDecodeError';
  }
}

const types = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export function decodeWatchLine(line: string): WatchEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new WatchDecodeError(`unparseable watch line (${(err as Error).message}): ${line.slice(0, 200)}`);
  }
  const event = parsed as { type?: unknown; object?: unknown };
  if (
    typeof event?.type !== 'string' ||
    !types.has(event.type) ||
    typeof event.object !== 'object' ||
    !event.object
  ) {
    throw new WatchDecodeError(`not a watch event (need "type" and "object"): ${line.slice(0, 200)}`);
  }
  return { type: event.type as WatchEventType, object: event.object as KubeObject };
}

/**
 * Splits a watch response into its lines, chunk by chunk: `push` a chunk, then take its complete lines with
 * `next` until it answers undefined. Synchronous, so the one generator reading the stream (watchConnection)
 * yields events without a generator per layer (each costs a promise per event). Only each new chunk is
 * searched for the newline, which keeps a 1 MiB object arriving in 64 KiB chunks linear.
 */
export class WatchLines {
  readonly #decoder = new StringDecoder('utf8');
  /** The start of the line being read, from earlier chunks. */
  readonly #pieces: string[] = [];
  #text = '';
  #start = 0;

  push(chunk: Buffer | string): void {
    this.#text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    this.#start = 0;
  }

  /** The next complete, non-blank line of the chunk pushed; undefined once it has none left. */
  next(): string | undefined {
    const text = this.#text;
    for (let newline = text.indexOf('\n', this.#start); newline >= 0; ) {
      const line = this.#complete(text.slice(this.#start, newline));
      this.#start = newline + 1;
      if (line !== '') return line;
      newline = text.indexOf('\n', this.#start);
    }
    if (this.#start < text.length) this.#pieces.push(text.slice(this.#start));
    this.#text = '';
    this.#start = 0;
    return undefined;
  }

  /** After the last chunk: the last line if it had no newline, else ''. */
  end(): string {
    return this.#complete(this.#decoder.end());
  }

  #complete(last: string): string {
    if (this.#pieces.length === 0) return last.trim();
    this.#pieces.push(last);
    const line = this.#pieces.join('').trim();
    this.#pieces.length = 0;
    return line;
  }
}

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
 * Yields events from a byte stream; `onData` runs for every chunk (the reflector's watchdog).
 * Throws WatchDecodeError on a bad line; ends when the stream ends.
 */
export async function* watchEvents(
  stream: AsyncIterable<Buffer | string>,
  onData: () => void = () => {},
): AsyncGenerator<WatchEvent> {
  const decoder = new StringDecoder('utf8');
  // The pieces of the line being read. Searching only each new piece for the newline keeps a 1 MiB object
  // arriving in 64 KiB chunks linear (searching the whole pending string re-flattened it for every chunk).
  let pieces: string[] = [];
  for await (const chunk of stream) {
    onData();
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      pieces.push(text.slice(start, newline));
      const line = pieces.join('').trim();
      pieces = [];
      start = newline + 1;
      if (line !== '') yield decodeWatchLine(line);
    }
    if (start < text.length) pieces.push(text.slice(start));
  }
  const rest = (pieces.join('') + decoder.end()).trim();
  if (rest !== '') yield decodeWatchLine(rest);
}

// Reads a LIST answer one item at a time. A page is 500 objects and an object may be 1.5 MiB, so the whole
// body as one string can exceed V8's string limit (512 MiB: the list then fails forever) and, parsed whole,
// holds every object in full at once, however little of it the cache keeps. Here only one item's bytes are
// in memory: each is parsed and handed on (to the transform) as soon as its closing brace arrives.
// JSON's structural characters are ASCII, so splitting bytes never cuts a UTF-8 sequence.
import { StringDecoder } from 'node:string_decoder';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/** A malformed list body: the reflector retries the list. */
export class ListDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListDecodeError';
  }
}

/**
 * Splits a JSON object `{ ..., "items": [ {...}, ... ], ... }` arriving in chunks: `onItem` gets each item of
 * the top-level `items` array, parsed; `end()` returns the rest of the object with `items: []`.
 */
export class ListSplitter {
  readonly #onItem: (item: unknown) => void;
  /** Bytes of everything but the items (apiVersion, kind, metadata: small). */
  readonly #envelope: Buffer[] = [];
  /** Bytes of the item being read. */
  #item: Buffer[] = [];
  /** Where the bytes being scanned belong. */
  #sink: 'envelope' | 'item' | 'drop' = 'envelope';
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** The depth-1 string being read (a key, if a colon follows), and the last one read. */
  #keyParts: Buffer[] = [];
  #keyStart = -1;
  #keyTooLong = false;
  #lastKey = '';
  #expectItems = false;
  #inItems = false;
  #slash: { chunk: Buffer | undefined; at: number } = { chunk: undefined, at: -1 };

  constructor(onItem: (item: unknown) => void) {
    this.#onItem = onItem;
  }

  write(chunk: Buffer): void {
    let from = 0; // start of the bytes not yet handed to the sink
    let i = 0;
    while (i < chunk.length) {
      if (this.#inString) {
        i = this.#skipString(chunk, i);
        continue;
      }
      const c = chunk[i] as number;
      if (c === QUOTE) {
        this.#inString = true;
        if (this.#depth === 1) {
          this.#keyParts = [];
          this.#keyTooLong = false;
          this.#keyStart = i;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.#inItems && this.#depth === 2) from = this.#switch(chunk, from, i, 'item');
        this.#depth += 1;
        if (this.#expectItems && c === OPEN_ARRAY && this.#depth === 2) {
          this.#inItems = true;
          from = this.#switch(chunk, from, i + 1, 'drop');
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.#depth -= 1;
        if (this.#depth < 0) throw new ListDecodeError('unbalanced closing bracket in list body');
        if (this.#inItems && this.#depth === 2) {
          from = this.#switch(chunk, from, i + 1, 'drop');
          this.#emitItem();
        } else if (this.#inItems && this.#depth === 1) {
          this.#inItems = false;
          from = this.#switch(chunk, from, i, 'envelope');
        }
      } else if (c === COLON && this.#depth === 1) {
        this.#expectItems = this.#lastKey === '"items"';
      } else if (this.#depth === 1 && c > 0x20) this.#expectItems = false;
      i += 1;
    }
    this.#switch(chunk, from, chunk.length, this.#sink);
    if (this.#inString && this.#depth === 1) {
      // A depth-1 string runs into the next chunk.
      this.#keyPart(chunk.subarray(this.#keyStart));
      this.#keyStart = 0;
    }
  }

  /** The object without its items; throws ListDecodeError if the body was cut short or is not JSON. */
  end(): Record<string, unknown> {
    if (this.#depth !== 0 || this.#inString) throw new ListDecodeError('list body ended early');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(this.#envelope).toString('utf8'));
    } catch (err) {
      throw new ListDecodeError(`unparseable list body: ${(err as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new ListDecodeError('list body is not a JSON object');
    return parsed as Record<string, unknown>;
  }

  /** Inside a string: jumps to the closing quote (native search), honouring escapes across chunks. */
  #skipString(chunk: Buffer, start: number): number {
    let i = start;
    if (this.#escaped) {
      this.#escaped = false;
      i += 1;
    }
    while (i < chunk.length) {
      const quote = chunk.indexOf(QUOTE, i);
      const slash = this.#nextBackslash(chunk, i);
      if (slash >= 0 && (quote < 0 || slash < quote)) {
        if (slash + 1 >= chunk.length) {
          this.#escaped = true;
          break;
        }
        i = slash + 2;
        continue;
      }
      if (quote < 0) break;
      this.#inString = false;
      if (this.#depth === 1) this.#endKey(chunk.subarray(this.#keyStart, quote + 1));
      return quote + 1;
    }
    return chunk.length;
  }

  // Remembered per chunk: searching to the chunk's end for every string is quadratic in small strings.
  #nextBackslash(chunk: Buffer, from: number): number {
    if (this.#slash.chunk !== chunk || (this.#slash.at >= 0 && this.#slash.at < from)) {
      this.#slash = { chunk, at: chunk.indexOf(BACKSLASH, from) };
    }
    return this.#slash.at;
  }

  // Keys are short: a longer depth-1 string is a value, and cannot be "items" anyway.
  #keyPart(part: Buffer): void {
    const length = this.#keyParts.reduce((n, b) => n + b.length, part.length);
    this.#keyParts = length <= 64 ? [...this.#keyParts, Buffer.from(part)] : [];
    this.#keyTooLong ||= length > 64;
  }

  #endKey(part: Buffer): void {
    this.#keyPart(part);
    this.#lastKey = this.#keyTooLong ? '' : Buffer.concat(this.#keyParts).toString('latin1');
    this.#keyTooLong = false;
    this.#keyParts = [];
    this.#keyStart = -1;
  }

  /** Hands chunk[from, to) to the current sink, then makes `sink` current; returns `to`. */
  #switch(chunk: Buffer, from: number, to: number, sink: 'envelope' | 'item' | 'drop'): number {
    if (to > from) {
      const part = chunk.subarray(from, to);
      if (this.#sink === 'item') this.#item.push(part);
      else if (this.#sink === 'envelope') this.#envelope.push(Buffer.from(part));
    }
    this.#sink = sink;
    return to;
  }

  #emitItem(): void {
    const text = decodeParts(this.#item);
    this.#item = [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ListDecodeError(`unparseable list item: ${(err as Error).message}`);
    }
    this.#onItem(parsed);
  }
}

/** The text of an item's bytes, decoded part by part (no copy of the bytes into one more buffer). */
export function decodeParts(parts: readonly Buffer[]): string {
  if (parts.length <= 1) return parts[0]?.toString('utf8') ?? '';
  const decoder = new StringDecoder('utf8');
  let text = '';
  for (const part of parts) text += decoder.write(part);
  return text + decoder.end();
}

/** Reads a whole list body from `stream`, calling `onItem` per item; resolves to the rest of the object. */
export async function readList(
  stream: AsyncIterable<Buffer | string>,
  onItem: (item: unknown) => void,
): Promise<Record<string, unknown>> {
  const splitter = new ListSplitter(onItem);
  for await (const chunk of stream) splitter.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return splitter.end();
}

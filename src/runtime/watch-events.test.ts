import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWatchLine, WatchDecodeError, WatchLines } from './watch-events.ts';

/** The events of a response arriving in `chunks`, read as watchConnection reads them. */
function collect(chunks: (string | Buffer)[]) {
  const lines = new WatchLines();
  const read: string[] = [];
  for (const chunk of chunks) {
    lines.push(chunk);
    for (let line = lines.next(); line !== undefined; line = lines.next()) read.push(line);
  }
  const last = lines.end();
  if (last !== '') read.push(last);
  return read
    .map(decodeWatchLine)
    .map((e) => `${e.type}:${e.object.metadata?.name ?? e.object.metadata?.resourceVersion}`);
}

describe('watch event decoding', () => {
  it('splits lines across arbitrary chunk boundaries, including inside a UTF-8 character', () => {
    const text = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ä-1' } } })}\n${JSON.stringify(
      {
        type: 'BOOKMARK',
        object: { metadata: { resourceVersion: '42' } },
      },
    )}\n`;
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    assert.deepEqual(collect(chunks), ['ADDED:ä-1', 'BOOKMARK:42']);
  });

  it('reads several lines of one chunk and a line spread over three chunks', () => {
    const chunks = [
      '{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n\n{"type":"MOD',
      'IFIED","object":{"metadata"',
      ':{"name":"b"}}}\n{"type":"DELETED","object":{"metadata":{"name":"c"}}}\n',
    ];
    assert.deepEqual(collect(chunks), ['ADDED:a', 'MODIFIED:b', 'DELETED:c']);
  });

  it('accepts a last line without a newline and skips blank lines', () => {
    assert.deepEqual(collect(['\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}']), ['DELETED:a']);
  });

  it('fails loudly on an unparseable line instead of dropping the event', () => {
    assert.throws(
      () => collect(['{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODIF']),
      WatchDecodeError,
    );
    assert.throws(() => collect(['{"type":"ADDED"\n']), /unparseable watch line/);
  });

  it('rejects JSON that is not a watch event', () => {
    assert.throws(() => decodeWatchLine('{"kind":"Status"}'), /not a watch event/);
    assert.throws(() => decodeWatchLine('{"type":"WHATEVER","object":{}}'), /not a watch event/);
    assert.throws(() => decodeWatchLine('null'), /not a watch event/);
  });
});

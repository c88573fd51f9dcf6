import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWatchLine, WatchDecodeError, watchEvents } from './watch-events.ts';

async function collect(chunks: (string | Buffer)[]) {
  const out: string[] = [];
  for await (const e of watchEvents(
    (async function* () {
      yield* chunks;
    })(),
  )) {
    out.push(`${e.type}:${e.object.metadata?.name ?? e.object.metadata?.resourceVersion}`);
  }
  return out;
}

describe('watch event decoding', () => {
  it('splits lines across arbitrary chunk boundaries, including inside a UTF-8 character', async () => {
    const text = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ä-1' } } })}\n${JSON.stringify(
      {
        type: 'BOOKMARK',
        object: { metadata: { resourceVersion: '42' } },
      },
    )}\n`;
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    assert.deepEqual(await collect(chunks), ['ADDED:ä-1', 'BOOKMARK:42']);
  });

  it('accepts a last line without a newline and skips blank lines', async () => {
    assert.deepEqual(await collect(['\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}']), [
      'DELETED:a',
    ]);
  });

  it('fails loudly on an unparseable line instead of dropping the event', async () => {
    await assert.rejects(
      collect(['{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"MODIF']),
      WatchDecodeError,
    );
    await assert.rejects(collect(['{"type":"ADDED"\n']), /unparseable watch line/);
  });

  it('rejects JSON that is not a watch event', () => {
    assert.throws(() => decodeWatchLine('{"kind":"Status"}'), /not a watch event/);
    assert.throws(() => decodeWatchLine('{"type":"WHATEVER","object":{}}'), /not a watch event/);
    assert.throws(() => decodeWatchLine('null'), /not a watch event/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListDecodeError, ListSplitter, readList } from './list-stream.ts';

function split(body: string, chunkSize: number): { items: unknown[]; rest: Record<string, unknown> } {
  const items: unknown[] = [];
  const splitter = new ListSplitter((item) => items.push(item));
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += chunkSize) splitter.write(bytes.subarray(i, i + chunkSize));
  return { items, rest: splitter.end() };
}

const tricky = {
  metadata: {
    name: 'a"b\\',
    annotations: { 'x/y': '{"items":[1,2]} ] } [ \\" \u00e9\u4e2d\ud83d\ude00', empty: '' },
  },
  spec: { list: [[], [{}], { items: [3] }], n: -1.5e3, t: true, f: null },
};

describe('ListSplitter', () => {
  it('yields each item and the envelope, whatever the chunk boundaries', () => {
    // The apiserver writes CR lists with sorted keys (items before kind and metadata), typed ones with items last.
    const lists = [
      {
        apiVersion: 'g/v1',
        items: [tricky, { metadata: { name: 'b' } }],
        kind: 'XList',
        metadata: { continue: 'c' },
      },
      { kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '7' }, items: [tricky] },
      { kind: 'List', metadata: { itemsx: 1 }, items: [] },
    ];
    for (const list of lists) {
      const body = JSON.stringify(list, null, 1);
      const { items: expectedItems, ...expectedRest } = list;
      for (const size of [1, 2, 3, 5, 7, 64, body.length]) {
        const { items, rest } = split(body, size);
        assert.deepEqual(items, expectedItems, `chunk size ${size}`);
        assert.deepEqual(rest, { ...expectedRest, items: [] }, `chunk size ${size}`);
      }
    }
  });

  it('only splits the top-level items array', () => {
    const list = { metadata: { items: [{ a: 1 }] }, items: [{ items: [{ b: 2 }] }], other: { items: [] } };
    const { items, rest } = split(JSON.stringify(list), 3);
    assert.deepEqual(items, [{ items: [{ b: 2 }] }]);
    assert.deepEqual(rest, { metadata: { items: [{ a: 1 }] }, items: [], other: { items: [] } });
  });

  it('does not take a long string value that starts like the key for it', () => {
    const list = { kind: `"items" ${'x'.repeat(100)}`, items: [{ a: 1 }] };
    for (const size of [1, 10, 1000]) assert.deepEqual(split(JSON.stringify(list), size).items, [{ a: 1 }]);
  });

  it('rejects a cut-off or malformed body', () => {
    assert.throws(() => split('{"items":[{"a":1}', 4), ListDecodeError);
    assert.throws(() => split('{"items":[{"a":}]}', 4), ListDecodeError);
    assert.throws(() => split('{"items":[]}}', 4), ListDecodeError);
    assert.throws(() => split('[]', 4), ListDecodeError);
  });

  it('reads a stream', async () => {
    async function* chunks() {
      yield Buffer.from('{"items":[{"a":');
      yield '1},{"b":2}],"kind":"L"}';
    }
    const items: unknown[] = [];
    assert.deepEqual(await readList(chunks(), (i) => items.push(i)), { items: [], kind: 'L' });
    assert.deepEqual(items, [{ a: 1 }, { b: 2 }]);
  });
});

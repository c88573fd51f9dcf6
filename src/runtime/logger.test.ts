import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.ts';

function capture(options: { level: string; silent?: boolean }) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const logger = createLogger({ ...options, stream, fields: { component: 'test' } });
  const flushed = () => new Promise((resolve) => setImmediate(resolve));
  return { logger, lines, flushed };
}

test('lines below the level are dropped; the rest carry the level, the message and the fields', async () => {
  const { logger, lines, flushed } = capture({ level: 'info' });
  logger.debug('hidden', { n: 1 });
  logger.info('shown', { n: 2 });
  logger.error('failed', { reason: 'x' });
  await flushed();
  assert.deepEqual(
    lines.map(({ level, message, n, reason, component }) => ({ level, message, n, reason, component })),
    [
      { level: 'info', message: 'shown', n: 2, reason: undefined, component: 'test' },
      { level: 'error', message: 'failed', n: undefined, reason: 'x', component: 'test' },
    ],
  );
});

test("a child's lines carry its fields and its ancestors'; a child that never writes writes nothing", async () => {
  const { logger, lines, flushed } = capture({ level: 'debug' });
  const child = logger.child({ controller: 'consumer' }).child({ key: 'a/b' });
  logger.child({ unused: true }); // never writes
  child.debug('reconciled');
  await flushed();
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.controller, 'consumer');
  assert.equal(lines[0]?.key, 'a/b');
  assert.equal(lines[0]?.message, 'reconciled');
});

test('a silent logger writes nothing, not even errors', async () => {
  const { logger, lines, flushed } = capture({ level: 'debug', silent: true });
  logger.error('nope');
  logger.child({ a: 'b' }).warn('nope');
  await flushed();
  assert.deepEqual(lines, []);
});

test('an unknown level is refused with the levels to choose from', () => {
  assert.throws(() => createLogger({ level: 'verbose' }), /not one of error, warn, info, debug/);
});

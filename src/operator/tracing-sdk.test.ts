// The SDK wiring: off without settings, and with --tracing-endpoint spans reach an OTLP/HTTP receiver (a
// local server standing in for a collector), following the sample ratio.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { NOOP_TRACER } from '../runtime/index.ts';
import { operatorTracing } from './tracing-sdk.ts';

interface Received {
  readonly path: string;
  readonly type: string;
  readonly body: string;
}

const received: Received[] = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({
      path: req.url ?? '',
      type: req.headers['content-type'] ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
let endpoint = '';

describe('operator tracing', () => {
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is off without settings: no tracer, so the code keeps the no-op one', async () => {
    const off = operatorTracing(undefined, undefined);
    assert.equal(off.tracer, undefined);
    await off.shutdown();
    assert.notEqual(NOOP_TRACER.startSpan('x').isRecording(), true);
  });

  it('sends the spans to the OTLP/HTTP endpoint, flushed at shutdown', async () => {
    received.length = 0;
    const on = operatorTracing({ endpoint, sampleRatio: 1 }, undefined);
    assert.ok(on.tracer);
    on.tracer.startSpan('quota.webhook.enforce').end();
    await on.shutdown();
    assert.equal(received.length, 1);
    const [sent] = received;
    assert.equal(sent?.path, '/v1/traces');
    assert.match(sent?.type ?? '', /json/);
    assert.match(sent?.body ?? '', /"quota\.webhook\.enforce"/);
    assert.match(sent?.body ?? '', /"milo-quota-operator"/);
  });

  it('samples no new trace at ratio 0', async () => {
    received.length = 0;
    const none = operatorTracing({ endpoint, sampleRatio: 0 }, undefined);
    const span = none.tracer?.startSpan('quota.webhook.enforce');
    assert.equal(span?.isRecording(), false);
    span?.end();
    await none.shutdown();
    assert.equal(received.length, 0);
  });
});

// The HTTP side of one admission call: route by path, check method and content type, read the body with a
// size limit, answer, and count it (controller-runtime's webhook metrics). Unknown paths are not counted,
// so a scanner cannot blow up the metric's label set.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../runtime/index.ts';
import { answerReview, badRequest, type Reply } from './dispatch.ts';
import type { WebhookMetrics } from './metrics.ts';
import { parseTimeout } from './parse.ts';
import type { AdmissionHandler } from './review.ts';

export interface RequestContext {
  readonly handlers: ReadonlyMap<string, AdmissionHandler>;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  readonly stop: AbortSignal;
  readonly defaultTimeoutMs: number;
  readonly timeoutMarginMs: number;
  readonly maxBodyBytes: number;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'Content-Type': reply.contentType }).end(reply.body);
}

async function reply(req: IncomingMessage, handler: AdmissionHandler, ctx: RequestContext, url: URL) {
  if (req.method !== 'POST') return badRequest(405, `method ${req.method ?? ''} not allowed; use POST`);
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return badRequest(415, `content type "${type}" not supported; send application/json`);
  }
  let text: string;
  try {
    text = await readBody(req, ctx.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      return badRequest(413, `the request body exceeds ${ctx.maxBodyBytes} bytes`);
    }
    throw error;
  }
  const timeout = parseTimeout(url.searchParams.get('timeout')) ?? ctx.defaultTimeoutMs;
  const deadline = Math.max(100, timeout - ctx.timeoutMarginMs);
  return answerReview(text, handler, deadline, ctx.stop, ctx.logger);
}

/** Serves one request; resolves when the response is written (the server waits for these on stop). */
export async function serveRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://webhook');
  const handler = ctx.handlers.get(url.pathname);
  if (handler === undefined) {
    const known = [...ctx.handlers.keys()].join(', ');
    send(res, badRequest(404, `no webhook at ${url.pathname}; served paths: ${known || 'none'}`));
    return;
  }
  const webhook = url.pathname;
  const started = process.hrtime.bigint();
  ctx.metrics.inFlight.inc({ webhook });
  let status = 500;
  try {
    const answer = await reply(req, handler, ctx, url);
    status = answer.status;
    send(res, answer);
  } catch (error) {
    ctx.logger.error('webhook request failed', {
      webhook,
      error: (error as Error)?.message ?? String(error),
    });
    if (!res.headersSent) send(res, badRequest(500, 'the webhook could not read the request'));
  } finally {
    ctx.metrics.inFlight.dec({ webhook });
    ctx.metrics.requests.inc({ webhook, code: String(status) });
    ctx.metrics.latency.observe({ webhook }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

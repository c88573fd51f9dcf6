// The HTTP side of one admission call: route by path, check method and content type, read the body within
// the server's limits (size, shared budget), take an in-flight slot, answer, and count it
// (controller-runtime's webhook metrics). Unknown paths are not counted, so a scanner cannot blow up the
// metric's label set.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../runtime/index.ts';
import { answerReview, badRequest, type Reply } from './dispatch.ts';
import type { BodyBudget, InFlightSlots } from './limits.ts';
import type { LimitRejection, WebhookMetrics } from './metrics.ts';
import { parseAdmissionReview, parseTimeout } from './parse.ts';
import { type AdmissionHandler, toResponse } from './review.ts';

/** What serves a path: its handler, its metrics label, and who may call it. */
export interface Route {
  readonly handler: AdmissionHandler;
  readonly webhook: string;
  /** Undefined when the request's caller may call this path, else why not (answered 403, body unread). */
  readonly authorize?: (req: IncomingMessage) => string | undefined;
}

export interface RequestContext {
  readonly route: (path: string) => Route | undefined;
  /** For the 404's message. */
  readonly paths: () => readonly string[];
  /** Counts a caller refused for its path. */
  readonly refusedCaller: (path: string, problem: string) => void;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  readonly stop: AbortSignal;
  readonly defaultTimeoutMs: number;
  readonly timeoutMarginMs: number;
  readonly maxBodyBytes: number;
  readonly budget: BodyBudget;
  readonly slots: InFlightSlots;
  /** Marks the request's connection busy (not to be closed for room) until the returned function runs. */
  readonly hold: (req: IncomingMessage) => () => void;
}

/** A reply that also ends the connection: the rest of the request was not read. */
interface Refusal extends Reply {
  readonly close: true;
  readonly reason: LimitRejection;
}

class Refused extends Error {
  readonly refusal: Refusal;
  constructor(refusal: Refusal) {
    super(refusal.body);
    this.refusal = refusal;
  }
}

class ConnectionClosed extends Error {}

const refusal = (status: number, reason: LimitRejection, message: string): Refusal => ({
  ...badRequest(status, message),
  close: true,
  reason,
});

const tooLarge = (limit: number) =>
  refusal(413, 'body_too_large', `the request body exceeds ${limit} bytes; an AdmissionReview is smaller`);

/** Reads the body, refusing it once it passes `limit` or the shared budget; never keeps more than it needs. */
function readBody(req: IncomingMessage, ctx: RequestContext): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      ctx.budget.release(size);
      req.off('data', onData);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > ctx.maxBodyBytes) return finish(new Refused(tooLarge(ctx.maxBodyBytes)));
      if (!ctx.budget.charge(size, chunk.length)) {
        const message = 'the webhook is reading too many large request bodies at once; retry the request';
        return finish(new Refused(refusal(503, 'body_budget_exhausted', message)));
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish());
    // a request stream fails only when its connection goes (client gone, or cut off by a server timeout)
    const closed = () => finish(new ConnectionClosed('the connection closed before the body was read'));
    req.once('error', closed);
    req.once('close', () => {
      if (!req.complete) closed();
    });
  });
}

function send(res: ServerResponse, reply: Reply | Refusal): void {
  const headers: Record<string, string> = { 'Content-Type': reply.contentType };
  if ('close' in reply) headers.Connection = 'close';
  res.writeHead(reply.status, headers).end(reply.body);
  // The unread rest of the body cannot be skipped cheaply: drop the connection once the answer is out.
  if ('close' in reply) res.once('finish', () => res.socket?.destroy());
}

function earlyRefusal(req: IncomingMessage, ctx: RequestContext): Reply | Refusal | undefined {
  if (req.method !== 'POST') return badRequest(405, `method ${req.method ?? ''} not allowed; use POST`);
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    return badRequest(415, `content type "${type}" not supported; send application/json`);
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > ctx.maxBodyBytes) return tooLarge(ctx.maxBodyBytes);
  return undefined;
}

/** The answer when every in-flight slot is taken: retryable, and at once. */
function overflow(text: string, ctx: RequestContext): Reply {
  const parsed = parseAdmissionReview(text);
  if (!parsed.ok) return badRequest(400, `invalid AdmissionReview: ${parsed.message}`);
  const message = `the quota webhook is already handling ${ctx.slots.used} reviews on this replica; retry the request`;
  const response = toResponse(parsed.request.uid, {
    allowed: false,
    // retryAfterSeconds: the apiserver passes it on as Retry-After, so clients retry after a second
    status: { code: 429, reason: 'TooManyRequests', message, details: { retryAfterSeconds: 1 } },
  });
  const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
  return { status: 200, contentType: 'application/json', body: JSON.stringify(review) };
}

async function reply(
  req: IncomingMessage,
  handler: AdmissionHandler,
  ctx: RequestContext,
  url: URL,
): Promise<Reply | Refusal> {
  const early = earlyRefusal(req, ctx);
  if (early !== undefined) return early;
  const text = await readBody(req, ctx);
  const release = ctx.slots.tryAcquire();
  if (release === undefined) {
    ctx.metrics.limitRejections.inc({ reason: 'too_many_in_flight' });
    return overflow(text, ctx);
  }
  const unhold = ctx.hold(req);
  try {
    const timeout = parseTimeout(url.searchParams.get('timeout')) ?? ctx.defaultTimeoutMs;
    const deadline = Math.max(100, timeout - ctx.timeoutMarginMs);
    return await answerReview(text, handler, deadline, ctx.stop, ctx.logger);
  } finally {
    release();
    unhold();
  }
}

/** Serves one request; resolves when the response is written (the server waits for these on stop). */
export async function serveRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://webhook');
  const route = ctx.route(url.pathname);
  if (route === undefined) {
    const known = ctx.paths().join(', ');
    send(res, badRequest(404, `no webhook at ${url.pathname}; served paths: ${known || 'none'}`));
    return;
  }
  const problem = route.authorize?.(req);
  if (problem !== undefined) {
    ctx.refusedCaller(url.pathname, problem);
    send(res, {
      ...badRequest(403, `caller not allowed on ${url.pathname}: ${problem}`),
      close: true,
      reason: 'bad_request',
    });
    return;
  }
  const { handler, webhook } = route;
  const started = process.hrtime.bigint();
  ctx.metrics.inFlight.inc({ webhook });
  let status = 500;
  try {
    const answer = await reply(req, handler, ctx, url);
    status = answer.status;
    if ('reason' in answer) ctx.metrics.limitRejections.inc({ reason: answer.reason });
    send(res, answer);
  } catch (error) {
    status = failed(error, res, ctx, webhook);
  } finally {
    ctx.metrics.inFlight.dec({ webhook });
    ctx.metrics.requests.inc({ webhook, code: String(status) });
    ctx.metrics.latency.observe({ webhook }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

/** Answers a request that could not be read; returns the status counted. */
function failed(error: unknown, res: ServerResponse, ctx: RequestContext, webhook: string): number {
  if (error instanceof Refused) {
    ctx.metrics.limitRejections.inc({ reason: error.refusal.reason });
    send(res, error.refusal);
    return error.refusal.status;
  }
  // a body that never finished: the server's request timeout (counted there) or the client went away
  if (error instanceof ConnectionClosed) return 408;
  ctx.logger.error('webhook request failed', { webhook, error: (error as Error)?.message ?? String(error) });
  if (!res.headersSent) send(res, badRequest(500, 'the webhook could not read the request'));
  return 500;
}

// The one HTTP path to the apiserver, on node:http(s) with client-node's KubeConfig supplying TLS material and
// credentials (`applyToHTTPSOptions`, asked again at least every second so exec/OIDC and projected tokens
// refresh; asking per request cost ~55 µs of CPU, a measurable share of a decision).
// Why not client-node's Watch or generated APIs here: its Watch swallows unparseable lines and handler errors
// (`catch {}`), has a fixed 30 s inactivity abort that kills quiet watches, and exposes no status of the failed
// request; generated patch methods pick json-patch by default. Here every request has a signal and a deadline,
// every error carries the HTTP status and reason, and callers choose the patch content type explicitly.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { decodeParts } from './list-stream.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/x/configmaps`. */
  path: string;
  query?: Query;
  body?: unknown;
  /** Body content type. Default `application/json`; patches must say which patch they are. */
  contentType?: string;
  signal?: AbortSignal;
  /** Whole-request deadline. Default 30 s; watches use their own watchdog instead. */
  timeoutMs?: number;
  /** Response media type. Default `application/json`; metadata-only reads ask for PartialObjectMetadata. */
  accept?: string;
}

/** A `metav1.Status`, as the apiserver answers a failed request (fields read off the wire: any may be absent). */
export interface KubeStatus {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  /** `causes` name fields at fault; a webhook's refusal passes its own through (e.g. quota figures). */
  readonly details?: { readonly causes?: readonly unknown[] };
}

export interface KubeApiErrorOptions extends ErrorOptions {
  /** The apiserver's Status, when the answer was one. */
  readonly body?: KubeStatus;
}

/**
 * The project's one error for a failed Kubernetes API call: an apiserver answer with status >= 400 (`body` is
 * its Status), or a transport failure (status 0, `cause` the socket error).
 */
export class KubeApiError extends Error {
  readonly status: number;
  /** The Status `reason` (NotFound, Conflict, Expired, ...) when the apiserver gave one. */
  readonly reason: string;
  readonly body: KubeStatus | undefined;

  constructor(status: number, reason: string, message: string, options: KubeApiErrorOptions = {}) {
    const { body, ...errorOptions } = options;
    super(message, errorOptions);
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

export const isNotFound = (err: unknown) => err instanceof KubeApiError && err.status === 404;
/** A resourceVersion precondition failed (409 Conflict): re-read and retry. */
export const isConflict = (err: unknown) =>
  err instanceof KubeApiError && err.status === 409 && err.reason !== 'AlreadyExists';
export const isAlreadyExists = (err: unknown) =>
  err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists';
export const isGone = (err: unknown) => err instanceof KubeApiError && err.status === 410;

/** Sends a request and parses the JSON answer; throws KubeApiError for any non-2xx status. */
export async function kubeRequest<T>(kc: KubeConfig, req: KubeRequest): Promise<T> {
  const timeoutMs = req.timeoutMs ?? 30_000;
  const late = () => new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError');
  const deadline = linkedDeadline(timeoutMs, late, [req.signal]);
  try {
    const res = await send(kc, { ...req, signal: deadline.signal }, 'request');
    const text = await readBody(res);
    if ((res.statusCode ?? 0) >= 400) throw statusError(res.statusCode ?? 0, text, req);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  } finally {
    deadline.done();
  }
}

export interface LinkedDeadline {
  /** Aborted by the first of: one of the linked signals (with its reason), the deadline (with `reason()`). */
  readonly signal: AbortSignal;
  /** Starts the `ms` again from now (a watch's idle timeout). */
  refresh(): void;
  /**
   * Clears the timer and the listeners: the request is over. It aborts nothing: a finished request needs no
   * abort (each would make an AbortError with its stack), and a stream read with `for await` is closed by
   * leaving the loop, however it is left.
   */
  done(): void;
}

/**
 * A signal for one request: aborted by any of `signals` or after `ms` without a `refresh()`. Not
 * AbortSignal.timeout + AbortSignal.any: their timer outlives a finished request and fires anyway (a
 * DOMException per request, 30 s later), and `any` hangs a dependent on the caller's long-lived signal per
 * request; here `done()` undoes both. `refresh` re-arms the one timer, so petting it per chunk allocates nothing.
 */
export function linkedDeadline(
  ms: number,
  /** The deadline's abort reason, made when it fires. */
  reason: () => unknown,
  signals: readonly (AbortSignal | undefined)[],
): LinkedDeadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  const links = signals.flatMap((signal) => {
    if (signal === undefined) return [];
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return [{ signal, onAbort }];
  });
  return {
    signal: controller.signal,
    refresh: () => timer.refresh(),
    done: () => {
      clearTimeout(timer);
      for (const { signal, onAbort } of links) signal.removeEventListener('abort', onAbort);
    },
  };
}

/** Opens a streaming GET (a watch); the caller owns the response and aborts it through `signal`. */
export async function openStream(
  kc: KubeConfig,
  req: Omit<KubeRequest, 'method'>,
): Promise<http.IncomingMessage> {
  const res = await send(kc, { ...req, method: 'GET' }, 'stream');
  if (res.statusCode !== 200)
    throw statusError(res.statusCode ?? 0, await readBody(res), { ...req, method: 'GET' });
  return res;
}

async function send(kc: KubeConfig, req: KubeRequest, use: AgentUse): Promise<http.IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new Error('kubeconfig has no current cluster: set current-context to a context with a cluster');
  const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {}))
    if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string | number> = {
    Accept: req.accept ?? 'application/json',
    'User-Agent': 'milo-quota-runtime',
  };
  const applied = await appliedOptions(kc);
  Object.assign(headers, applied.headers);
  const options: https.RequestOptions = { ...applied, method: req.method, headers };
  options.agent = keepAliveAgent(options.agent, use);
  const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  if (body) {
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = body.length;
  }
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { ...options, ...(req.signal ? { signal: req.signal } : {}) },
      resolve,
    );
    request.on('error', (err) =>
      reject(new KubeApiError(0, 'Transport', `${req.method} ${req.path}: ${err.message}`, { cause: err })),
    );
    request.end(body);
  });
}

/** What `applyToHTTPSOptions` gave a KubeConfig (TLS material, agent, auth headers), reused for a second. */
interface Applied extends https.RequestOptions {
  readonly headers: Record<string, string | number>;
}
const APPLIED_FOR_MS = 1_000;
const appliedByConfig = new WeakMap<KubeConfig, { at: number; context: string; options: Promise<Applied> }>();

function appliedOptions(kc: KubeConfig): Promise<Applied> {
  const now = performance.now();
  const context = kc.getCurrentContext();
  const known = appliedByConfig.get(kc);
  // a switched context is another user and cluster: ask at once
  if (known !== undefined && known.context === context && now - known.at < APPLIED_FOR_MS)
    return known.options;
  const options = (async () => {
    const applied: https.RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(applied);
    return { ...applied, headers: { ...(applied.headers as Record<string, string | number>) } };
  })();
  appliedByConfig.set(kc, { at: now, context, options });
  // a failure (an exec plugin that could not run) is not kept: the next request asks again
  options.catch(() => {
    if (appliedByConfig.get(kc)?.options === options) appliedByConfig.delete(kc);
  });
  return options;
}

/**
 * client-node hands out one `new https.Agent(tls options)` per cluster and user, without keepAlive: every
 * request then pays a TCP connect and a TLS handshake (about 2-4 ms of both sides' CPU), and the enforced
 * create's claim create and status write pay it on the critical path. The same TLS options on a keep-alive
 * agent reuse connections; idle ones close after 30 s, well before the apiserver's own idle timeout (90 s),
 * so a request never races the server closing its socket.
 *
 * Requests share at most MAX_REQUEST_SOCKETS connections and queue for a free one: unbounded, a burst of
 * status writes (1,002 grants turning Active at start-up) opened a connection, and paid a handshake, per
 * write. Streams (watches) hold their connection for minutes, so they get an agent of their own, unbounded,
 * and never wait behind requests (nor requests behind them).
 */
type AgentUse = 'request' | 'stream';
const keepAliveAgents: Record<AgentUse, WeakMap<object, http.Agent>> = {
  request: new WeakMap(),
  stream: new WeakMap(),
};
const IDLE_SOCKET_MS = 30_000;
const MAX_REQUEST_SOCKETS = 32;

function keepAliveAgent(
  agent: http.RequestOptions['agent'],
  use: AgentUse,
): http.Agent | boolean | undefined {
  if (agent === undefined || typeof agent === 'boolean') return agent;
  // a proxy agent (socks, hpagent: subclasses) is left as it is
  if (agent.constructor !== https.Agent && agent.constructor !== http.Agent) return agent;
  const base = (agent as http.Agent & { options: https.AgentOptions }).options;
  if (base.keepAlive === true) return agent;
  let kept = keepAliveAgents[use].get(agent);
  if (kept === undefined) {
    const options = {
      ...base,
      keepAlive: true,
      timeout: IDLE_SOCKET_MS,
      ...(use === 'request' ? { maxSockets: MAX_REQUEST_SOCKETS } : {}),
    };
    kept = agent instanceof https.Agent ? new https.Agent(options) : new http.Agent(options);
    keepAliveAgents[use].set(agent, kept);
  }
  return kept;
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(decodeParts(chunks)));
    res.on('error', (err) =>
      reject(new KubeApiError(0, 'Transport', `reading response: ${err.message}`, { cause: err })),
    );
  });
}

function statusError(status: number, text: string, req: KubeRequest): KubeApiError {
  const body = parseStatus(text);
  const reason = typeof body?.reason === 'string' ? body.reason : '';
  // Not a Status object (a proxy's HTML page, say): keep the raw start of the body.
  const message = typeof body?.message === 'string' ? body.message : text.slice(0, 500);
  const described = `${req.method} ${req.path}: ${status} ${reason}: ${message}`;
  return new KubeApiError(status, reason, described, body === undefined ? {} : { body });
}

function parseStatus(text: string): KubeStatus | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as KubeStatus)
      : undefined;
  } catch {
    return undefined;
  }
}

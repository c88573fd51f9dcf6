// The probe server (/healthz, /readyz) and the metrics server (/metrics), on separate ports as
// controller-runtime serves them (:8081 and :8080 by default). Probes are plain HTTP for the kubelet; metrics
// may be HTTPS with an authenticated, authorized bearer token (metrics-auth.ts).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { MetricsAccess } from './metrics-auth.ts';

/** A named check: fails by returning false or throwing (the message is shown in verbose output). */
export type Check = () => boolean | Promise<boolean>;

export interface BindAddress {
  /** 0 picks a free port (tests); read the bound port back from the manager. */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
}

async function runChecks(checks: ReadonlyMap<string, Check>): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    try {
      if (!(await check())) throw new Error('not ready');
      lines.push(`[+]${name} ok`);
    } catch (err) {
      ok = false;
      lines.push(`[-]${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ok, lines };
}

/** Serves `/healthz` and `/readyz` (`?verbose` lists every check, like the apiserver's). */
export function probeHandler(health: ReadonlyMap<string, Check>, ready: ReadonlyMap<string, Check>) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://probe');
    const endpoint = url.pathname.replace(/\/+$/, '');
    const checks = endpoint === '/healthz' ? health : endpoint === '/readyz' ? ready : undefined;
    if (!checks) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const { ok, lines } = await runChecks(checks);
    const summary = `${endpoint.slice(1)} check ${ok ? 'passed' : 'failed'}`;
    const body = ok && !url.searchParams.has('verbose') ? 'ok' : [...lines, summary].join('\n');
    res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
  };
}

/** A PEM certificate (with its chain) and key. */
export interface TlsPair {
  readonly cert: string;
  readonly key: string;
}

/** Answers 401/403/500 and returns true unless `access` lets the request's bearer token through. */
async function refused(
  access: MetricsAccess,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
) {
  const verb = (req.method ?? 'GET').toLowerCase();
  const decision = await access.decide(req.headers.authorization, verb, path);
  if (decision.status === 200) return false;
  const challenge = decision.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  res.writeHead(decision.status, { 'Content-Type': 'text/plain', ...challenge }).end(`${decision.message}\n`);
  return true;
}

/** Serves `/metrics`; with `access`, only to a bearer token whose user may get it. */
export function metricsHandler(registry: Registry, access?: MetricsAccess) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    if (access !== undefined && (await refused(access, req, res, path))) return;
    try {
      const text = await registry.metrics();
      res.writeHead(200, { 'Content-Type': registry.contentType }).end(text);
    } catch (err) {
      res
        .writeHead(500)
        .end(`collecting metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
}

/** Starts a server (HTTPS with `tls`); resolves with it and its bound port once listening. */
export function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  address: BindAddress,
  tls?: TlsPair,
): Promise<{ server: http.Server; port: number }> {
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch(() => res.writeHead(500).end());
  };
  const server = tls === undefined ? http.createServer(listener) : https.createServer(tls, listener);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

export function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

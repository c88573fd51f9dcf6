// The probe server (/healthz, /readyz) and the metrics server (/metrics), on plain node:http as
// controller-runtime serves them on separate ports (:8081 and :8080 by default).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

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

export function metricsHandler(registry: Registry) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
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

/** Starts a server; resolves with it and its bound port once listening. */
export function serve(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>,
  address: BindAddress,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    handler(req, res).catch(() => res.writeHead(500).end());
  });
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

// A recording, fault-injecting proxy between one operator process and the apiserver. The operator talks plain
// HTTP to 127.0.0.1 (its kubeconfig has no credentials); the proxy forwards over HTTPS as the plane's admin.
// Every request is recorded with the time it was RECEIVED, so a test can count what a process sent after a
// moment (a paused replica's writes after it lost its lease). A rule can pick requests whose responses are
// lost after the apiserver has acted on them: 'drop' resets the client's connection once the apiserver has
// answered, 'delay' holds the answer past the client's 30 s deadline. Either way the write landed and the
// client cannot know: an ambiguous write. 'hold' keeps the request itself from the apiserver until the test
// calls release(): a write that has not landed while the client waits. Watches stream through untouched.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { ControlPlane } from '../../src/envtest/index.ts';

export type Fault = 'drop' | 'delay' | 'hold';
type LostAnswer = Exclude<Fault, 'hold'>;

export interface Recorded {
  readonly method: string;
  /** Without the query. */
  readonly path: string;
  /** Date.now() when the request reached the proxy. */
  readonly at: number;
  readonly fault: Fault | undefined;
}

/** Chooses a fault for a request (undefined: pass it through). Called once per request, in arrival order. */
export type FaultRule = (method: string, path: string) => Fault | undefined;

/** Longer than the operator's whole-request deadline (kube-http: 30 s), so a delayed answer never arrives. */
const DELAY_MS = 35_000;

export class FaultProxy {
  readonly requests: Recorded[] = [];
  readonly kubeconfigPath: string;
  rule: FaultRule = () => undefined;
  readonly #server: http.Server;
  readonly #agent: https.Agent;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #held: (() => void)[] = [];

  private constructor(server: http.Server, agent: https.Agent, kubeconfigPath: string) {
    this.#server = server;
    this.#agent = agent;
    this.kubeconfigPath = kubeconfigPath;
  }

  /** Listens on a free 127.0.0.1 port and writes `<plane.dir>/<name>.kubeconfig` pointing at it. */
  static async start(plane: ControlPlane, name: string): Promise<FaultProxy> {
    const { ca, admin } = plane.pki;
    // Watches hold their socket for minutes: no cap on sockets, so they never queue other requests.
    const agent = new https.Agent({ keepAlive: true, ca: ca.cert, cert: admin.cert, key: admin.key });
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const kubeconfigPath = join(plane.dir, `${name}.kubeconfig`);
    writeFileSync(kubeconfigPath, proxyKubeconfig(`http://127.0.0.1:${port}`));
    const proxy = new FaultProxy(server, agent, kubeconfigPath);
    const upstream = new URL(plane.server);
    server.on('request', (req, res) => proxy.#forward(upstream, req, res));
    return proxy;
  }

  /** Requests that got `fault`. */
  count(fault: Fault): number {
    return this.requests.filter((r) => r.fault === fault).length;
  }

  /** Sends the requests held so far on to the apiserver; returns how many. */
  release(): number {
    const held = this.#held.splice(0);
    for (const send of held) send();
    return held.length;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#agent.destroy();
  }

  #forward(upstream: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? url;
    const fault = this.rule(method, path);
    this.requests.push({ method, path, at: Date.now(), fault });
    if (fault === 'hold') this.#held.push(() => this.#send(upstream, req, res, undefined));
    else this.#send(upstream, req, res, fault);
  }

  #send(
    upstream: URL,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    fault: LostAnswer | undefined,
  ): void {
    const url = req.url ?? '/';
    const out = https.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method ?? 'GET',
        path: url,
        headers: { ...req.headers, host: upstream.host },
        agent: this.#agent,
      },
      (answer) => {
        if (fault === undefined) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.flushHeaders(); // a watch's headers now, its events as they come
          answer.pipe(res);
          return;
        }
        // The apiserver has acted; read its whole answer, then lose it.
        answer.resume();
        answer.on('end', () => this.#lose(fault, req, res, answer));
      },
    );
    out.on('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    // A client that goes away (a watch closed, a deadline passed) takes the upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  }

  #lose(
    fault: LostAnswer,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    answer: http.IncomingMessage,
  ) {
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!res.destroyed) res.writeHead(answer.statusCode ?? 502).end();
    }, DELAY_MS);
    this.#timers.add(timer);
  }
}

/** Plain HTTP to the proxy, no credentials (the proxy adds them); client-node wants skip-TLS-verify for http. */
function proxyKubeconfig(server: string): string {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'proxy', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'proxy', user: {} }],
    contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'proxy' } }],
    'current-context': 'proxy',
  });
}

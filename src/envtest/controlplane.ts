// A real, local Kubernetes control plane for tests, benchmarks and `make run`:
// etcd, kube-apiserver (envtest-like flags) and optionally
// kube-controller-manager (garbage collection, namespaces, resource quotas),
// built from the Kubernetes Go modules. Nothing here is a fake.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { renderAdmissionConfiguration, renderWebhookClientKubeconfig } from './admission.ts';
import { kubeBinary } from './binary.ts';
import { Component, killAllComponents } from './component.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { generatePki, type PemPair, type Pki } from './pki.ts';
import { freePorts } from './ports.ts';

export interface ControlPlaneOptions {
  /** Start kube-controller-manager for GC, namespace deletion and ResourceQuota usage. Default true. */
  readonly controllerManager?: boolean;
  /** Extra kube-apiserver flags, e.g. `--watch-cache-sizes=configmaps#10`. */
  readonly apiserverArgs?: readonly string[];
  /** Extra etcd flags, e.g. `--quota-backend-bytes=8589934592` for tests that store gigabytes. */
  readonly etcdArgs?: readonly string[];
  /** How long to wait for each component to become ready. Default 90 s (2-core machines are slow). */
  readonly readyTimeoutMs?: number;
  /** Kill everything and exit on SIGINT/SIGTERM. Default true; callers with their own shutdown pass false. */
  readonly exitOnSignal?: boolean;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const KCM_CONTROLLERS = [
  'garbage-collector-controller',
  'namespace-controller',
  'resourcequota-controller',
  'serviceaccount-controller',
  'clusterrole-aggregation-controller',
].join(',');

const liveDirs = new Set<string>();
let hooksInstalled = false;

function installCleanupHooks(exitOnSignal: boolean): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', () => {
    killAllComponents();
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
  if (!exitOnSignal) return;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  }
}

export class ControlPlane {
  readonly dir: string;
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  readonly etcd: Component;
  readonly apiserver: Component;
  readonly controllerManager: Component | undefined;
  /** The PEM CA bundle the apiserver's webhook client certificate chains to: the operator's client CA. */
  readonly webhookClientCa: string;
  /** The client certificate this apiserver presents to webhooks (tests impersonate it to forge reviews). */
  readonly webhookClient: PemPair;
  /** The same bundle as a file, for `--webhook-client-ca-file`. */
  readonly webhookClientCaFile: string;
  private readonly readyTimeoutMs: number;

  private constructor(init: {
    dir: string;
    binary: string;
    pki: Pki;
    ports: number[];
    options: ControlPlaneOptions;
  }) {
    const { dir, binary, pki, options } = init;
    const [etcdPort, peerPort, apiPort] = init.ports as [number, number, number];
    this.dir = dir;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    this.server = `https://127.0.0.1:${apiPort}`;
    const file = (name: string, content: string): string => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const caFile = file('ca.crt', pki.ca.cert);
    this.webhookClientCa = pki.webhookClientCa.cert;
    this.webhookClient = pki.webhookClient;
    this.webhookClientCaFile = file('webhook-client-ca.crt', pki.webhookClientCa.cert);
    const admissionConfig = file(
      'admission-configuration.yaml',
      renderAdmissionConfiguration(
        file('admission-kubeconfig', renderWebhookClientKubeconfig(pki.webhookClient)),
      ),
    );
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    this.etcdUrl = etcdUrl;
    this.etcd = new Component(
      'etcd',
      binary,
      [
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
        ...(options.etcdArgs ?? []),
      ],
      join(dir, 'etcd.log'),
    );
    this.apiserver = new Component(
      'kube-apiserver',
      binary,
      [
        `--etcd-servers=${etcdUrl}`,
        `--cert-dir=${join(dir, 'certs')}`,
        `--tls-cert-file=${file('apiserver.crt', pki.serving.cert)}`,
        `--tls-private-key-file=${file('apiserver.key', pki.serving.key)}`,
        `--client-ca-file=${caFile}`,
        `--secure-port=${apiPort}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        '--endpoint-reconciler-type=none',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        '--disable-admission-plugins=ServiceAccount',
        `--admission-control-config-file=${admissionConfig}`,
        '--authorization-mode=RBAC',
        `--service-account-issuer=${this.server}/`,
        `--service-account-key-file=${file('sa.pub', pki.serviceAccount.publicKey)}`,
        `--service-account-signing-key-file=${file('sa.key', pki.serviceAccount.privateKey)}`,
        '--profiling=false',
        ...(options.apiserverArgs ?? []),
      ],
      join(dir, 'kube-apiserver.log'),
    );
    this.kubeconfigPath = file(
      'kubeconfig',
      renderKubeconfig({
        server: this.server,
        caCert: pki.ca.cert,
        clientCert: pki.admin.cert,
        clientKey: pki.admin.key,
      }),
    );
    this.controllerManager =
      options.controllerManager === false
        ? undefined
        : new Component(
            'kube-controller-manager',
            binary,
            [
              `--kubeconfig=${this.kubeconfigPath}`,
              `--authentication-kubeconfig=${this.kubeconfigPath}`,
              `--authorization-kubeconfig=${this.kubeconfigPath}`,
              '--leader-elect=false',
              `--controllers=${KCM_CONTROLLERS}`,
              '--bind-address=127.0.0.1',
              '--secure-port=0',
              `--root-ca-file=${caFile}`,
              `--service-account-private-key-file=${join(dir, 'sa.key')}`,
            ],
            join(dir, 'kube-controller-manager.log'),
          );
    this.kubeConfig = new KubeConfig();
    this.kubeConfig.loadFromFile(this.kubeconfigPath);
    this.binary = binary;
    this.pki = pki;
  }

  private readonly binary: string;
  private readonly etcdUrl: string;
  /** The certificates of this control plane, e.g. to sign a webhook's serving certificate with its CA. */
  readonly pki: Pki;

  static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    installCleanupHooks(options.exitOnSignal ?? true);
    const dir = mkdtempSync(join(process.env.MQ_ENVTEST_TMPDIR ?? tmpdir(), 'milo-quota-envtest-'));
    liveDirs.add(dir);
    const plane = new ControlPlane({
      dir,
      binary: await kubeBinary(),
      pki: await generatePki(),
      ports: await freePorts(3),
      options,
    });
    try {
      await plane.startEtcd();
      await plane.startApiserver();
      plane.controllerManager?.start();
      return plane;
    } catch (error) {
      await plane.stop();
      throw error;
    }
  }

  /** Starts etcd (again, after `etcd.stop()` in a fault test) and waits until it is healthy. */
  async startEtcd(): Promise<void> {
    this.etcd.start();
    await this.waitFor(this.etcd, async () => {
      const response = await fetch(`${this.etcdUrl}/health`);
      return response.ok && (await response.text()).includes('"health":"true"');
    });
  }

  async startApiserver(): Promise<void> {
    this.apiserver.start();
    await this.waitFor(this.apiserver, async () => (await this.get('/readyz')).status === 200);
  }

  /** Stops and restarts kube-apiserver on the same port; clients keep working after it is ready again. */
  async restartApiserver(): Promise<void> {
    await this.apiserver.stop();
    await this.startApiserver();
  }

  /** A raw GET against the apiserver as admin. */
  get(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}`,
        { ca: this.pki.ca.cert, cert: this.pki.admin.cert, key: this.pki.admin.key, timeout: 5000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Runs the harness's kubectl against this control plane. Never throws for a non-zero exit. */
  kubectl(args: readonly string[], options: { input?: string } = {}): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        this.binary,
        ['kubectl', `--kubeconfig=${this.kubeconfigPath}`, ...args],
        { maxBuffer: 64 << 20 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  /** Stops every component and removes the temporary directory. Idempotent. */
  async stop(): Promise<void> {
    await this.controllerManager?.stop();
    await this.apiserver.stop();
    await this.etcd.stop();
    rmSync(this.dir, { recursive: true, force: true });
    liveDirs.delete(this.dir);
  }

  private async waitFor(component: Component, ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (!component.running) {
        throw new Error(`${component.name} exited during start-up; log tail:\n${component.logTail()}`);
      }
      try {
        if (await ready()) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `${component.name} not ready after ${this.readyTimeoutMs} ms; log tail:\n${component.logTail()}`,
    );
  }
}

export function startControlPlane(options?: ControlPlaneOptions): Promise<ControlPlane> {
  return ControlPlane.start(options);
}

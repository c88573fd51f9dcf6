// The webhook across operator restarts, on a real apiserver: failurePolicy Fail while it is down (quota kinds
// only), the self-managed certificate Secret reused by a restart and shared by two replicas starting at
// once, and certificates mounted from a directory (cert-manager) reloaded in place.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connect } from 'node:tls';
import { QUOTA_VALIDATION_CONFIGURATION } from '../../../src/admission/index.ts';
import type { RunningOperator } from '../../../src/operator/operator.ts';
import type { WebhookSettings } from '../../../src/operator/options.ts';
import { createCertificateAuthority, issueLeaf } from '../../../src/runtime/index.ts';
import { makeRegistration } from '../../support/builders.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk } from '../../support/kube.ts';
import { startTestOperator } from '../../support/operator.ts';

const plane = useControlPlane({ controllerManager: false });
const SECRET = ['-n', 'quota-system', 'secret', 'milo-quota-webhook-tls'];
const LOCAL: WebhookSettings = {
  port: 0,
  timeoutSeconds: 10,
  certDir: undefined,
  serviceName: 'milo-quota-webhook',
  urlHost: '127.0.0.1',
  authorizeTriggerConsumer: false,
  clientCaFile: undefined, // startTestOperator trusts the plane's webhook-client CA
  clientNames: [],
};
let counter = 0;
const register = (what: string) =>
  kubectlOk(
    plane.current,
    ['apply', '-f', '-'],
    JSON.stringify(makeRegistration(`${what}-${++counter}`, `example.com/${what}-${counter}`)),
  );

async function secret(): Promise<{ resourceVersion: string; cert: string }> {
  const out = JSON.parse(await kubectlOk(plane.current, ['get', '-o', 'json', ...SECRET]));
  return {
    resourceVersion: out.metadata.resourceVersion,
    cert: Buffer.from(out.data['tls.crt'], 'base64').toString(),
  };
}

/** The fingerprint of the certificate the server presents on a new connection. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('webhook lifecycle', () => {
  let operator: RunningOperator | undefined;
  after(async () => operator?.stop());

  it('fails quota-kind writes with a clear webhook error while the operator is down, not other kinds', async () => {
    operator = await startTestOperator(plane.current, { webhook: LOCAL });
    await register('up');
    await operator.stop();
    const message = await kubectlFails(
      plane.current,
      ['apply', '-f', '-'],
      JSON.stringify(makeRegistration('down', 'example.com/down')),
    );
    assert.match(message, /failed calling webhook "resourceregistration\.validate\.quota\.miloapis\.com"/);
    assert.match(message, /connection refused/);
    await kubectlOk(plane.current, ['create', 'configmap', 'unaffected', '--from-literal=a=b']);
  });

  it('reuses the certificate Secret when the operator restarts', async () => {
    const before = await secret();
    operator = await startTestOperator(plane.current, { webhook: LOCAL });
    await register('restarted');
    const afterRestart = await secret();
    assert.deepEqual(afterRestart, before, 'the Secret was neither rewritten nor reissued');
    assert.equal(operator.webhooks?.server.certificate?.cert, before.cert);
    await operator.stop();
  });

  it('shares one Secret between two replicas starting at once', async () => {
    await kubectlOk(plane.current, ['delete', ...SECRET]);
    const [a, b] = await Promise.all([
      startTestOperator(plane.current, { webhook: LOCAL }),
      startTestOperator(plane.current, { webhook: LOCAL }),
    ]);
    try {
      const stored = await secret();
      assert.equal(a.webhooks?.server.certificate?.cert, stored.cert);
      assert.equal(b.webhooks?.server.certificate?.cert, stored.cert);
      await register('replicas');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('reissues an unusable certificate Secret, keeping its other metadata', async () => {
    await kubectlOk(plane.current, ['delete', ...SECRET]);
    const broken = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'milo-quota-webhook-tls', namespace: 'quota-system', labels: { team: 'platform' } },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'not a certificate', 'tls.key': 'not a key' },
    };
    await kubectlOk(plane.current, ['create', '-f', '-'], JSON.stringify(broken));
    operator = await startTestOperator(plane.current, { webhook: LOCAL });
    try {
      const stored = await secret();
      assert.equal(operator.webhooks?.server.certificate?.cert, stored.cert);
      assert.match(stored.cert, /BEGIN CERTIFICATE/);
      const labels = await kubectlOk(plane.current, [
        'get',
        ...SECRET,
        '-o',
        'jsonpath={.metadata.labels.team}',
      ]);
      assert.equal(labels, 'platform');
      await register('reissued');
    } finally {
      await operator.stop();
    }
  });

  it('reloads certificates mounted from a directory without restarting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webhook-cert-dir-'));
    const write = async (ca: Awaited<ReturnType<typeof createCertificateAuthority>>) => {
      const leaf = await issueLeaf(ca, { subject: 'CN=webhook', usage: 'server', ips: ['127.0.0.1'] });
      writeFileSync(join(dir, 'ca.crt'), ca.pem.cert);
      writeFileSync(join(dir, 'tls.key'), leaf.key);
      writeFileSync(join(dir, 'tls.crt'), leaf.cert);
      return leaf.cert;
    };
    try {
      const ca1 = await createCertificateAuthority('cert-manager-ca-1');
      const first = await write(ca1);
      operator = await startTestOperator(plane.current, { webhook: { ...LOCAL, certDir: dir } });
      const port = operator.webhooks?.server.port ?? 0;
      assert.equal(await servedFingerprint(port), fingerprint(first));
      await register('mounted');
      const renewed = await write(ca1);
      await eventually(
        'renewed certificate served',
        async () => (await servedFingerprint(port)) === fingerprint(renewed),
      );
      await register('renewed');
      const ca2 = await createCertificateAuthority('cert-manager-ca-2');
      const reissued = await write(ca2);
      await eventually('new CA served and in the caBundle', async () => {
        const config = JSON.parse(
          await kubectlOk(plane.current, [
            'get',
            'validatingwebhookconfiguration',
            QUOTA_VALIDATION_CONFIGURATION,
            '-o',
            'json',
          ]),
        );
        const bundle = Buffer.from(config.webhooks[0].clientConfig.caBundle, 'base64').toString();
        return (await servedFingerprint(port)) === fingerprint(reissued) && bundle === ca2.pem.cert;
      });
      await eventually('writes pass with the new CA', async () => {
        await register('new-ca');
        return true;
      });
    } finally {
      await operator?.stop();
      operator = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

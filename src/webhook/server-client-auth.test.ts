// Client authentication (mutual TLS) on the webhook server, without a cluster: only a caller whose
// certificate chains to the client CA (and, when names are set, carries an allowed CN) reaches a handler;
// the CA file is reloaded in place; refusals are counted by a bounded reason.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../runtime/index.ts';
import { type CertificateAuthority, createCertificateAuthority, type PemPair } from '../runtime/pki.ts';
import { ClientCaFile } from './certs/client-ca.ts';
import { allowed } from './review.ts';
import {
  clientCertificate as client,
  handshakeRejections as rejections,
  startLocalServer,
} from './testing.ts';

/** A server with one handler that counts its calls, trusting the CA in `caFile`. */
async function serve(caFile: string, names?: readonly string[]) {
  const logger = createLogger({ silent: true });
  const ca = new ClientCaFile({ path: caFile, logger, pollIntervalMs: 100 });
  let calls = 0;
  const server = await startLocalServer({ clientAuth: { ca, names }, logger }, (s) =>
    s.register('/allow', async () => {
      calls++;
      return allowed();
    }),
  );
  return { ...server, call: (as?: PemPair) => server.call('/allow', as), calls: () => calls };
}

describe('WebhookServer with client authentication', () => {
  let dir: string;
  let trusted: CertificateAuthority;
  let other: CertificateAuthority;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'client-auth-'));
    [trusted, other] = await Promise.all([
      createCertificateAuthority('webhook-client-ca'),
      createCertificateAuthority('someone-else'),
    ]);
    writeFileSync(join(dir, 'ca.crt'), trusted.pem.cert);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a trusted client and refuses no certificate or another CA before any handler runs', async () => {
    const s = await serve(join(dir, 'ca.crt'));
    try {
      assert.equal((await s.call(await client(trusted, 'apiserver'))).status, 200);
      await assert.rejects(s.call(), /certificate required|ECONNRESET|socket hang up/);
      await assert.rejects(s.call(await client(other, 'apiserver')), /ECONNRESET|socket hang up|alert/);
      assert.equal(s.calls(), 1, 'only the trusted call reached the handler');
      assert.equal(await rejections(s.registry, 'no_client_certificate'), 1);
      assert.equal(await rejections(s.registry, 'client_certificate_not_trusted'), 1);
    } finally {
      await s.stop();
    }
  });

  it('accepts only the allowed common names', async () => {
    const s = await serve(join(dir, 'ca.crt'), ['kube-apiserver']);
    try {
      assert.equal((await s.call(await client(trusted, 'kube-apiserver'))).status, 200);
      await assert.rejects(s.call(await client(trusted, 'a-pod')), /ECONNRESET|socket hang up/);
      assert.equal(s.calls(), 1);
      assert.equal(await rejections(s.registry, 'client_name_not_allowed'), 1);
    } finally {
      await s.stop();
    }
  });

  it('trusts a new CA written to the file without a restart, and keeps the last good one on garbage', async () => {
    const file = join(dir, 'rotating.crt');
    writeFileSync(file, trusted.pem.cert);
    const s = await serve(file);
    try {
      const [oldClient, newClient] = await Promise.all([client(trusted, 'x'), client(other, 'x')]);
      writeFileSync(file, 'not a certificate');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await s.call(oldClient)).status, 200, 'a broken file keeps the previous CA');
      writeFileSync(file, other.pem.cert);
      const deadline = Date.now() + 10_000;
      while ((await s.call(newClient).catch(() => undefined))?.status !== 200) {
        assert.ok(Date.now() < deadline, 'the new CA was not picked up within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await assert.rejects(s.call(oldClient), /ECONNRESET|socket hang up/);
    } finally {
      await s.stop();
    }
  });
});

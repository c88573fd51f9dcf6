import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../runtime/index.ts';
import { localServingCertificate } from '../testing.ts';
import type { ServingCertificate } from './certificate-source.ts';
import { FileCertificates } from './files.ts';

const dir = mkdtempSync(join(tmpdir(), 'webhook-certs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(c: ServingCertificate, withCa = true): void {
  writeFileSync(join(dir, 'tls.crt'), c.cert);
  writeFileSync(join(dir, 'tls.key'), c.key);
  if (withCa && c.caBundle) writeFileSync(join(dir, 'ca.crt'), c.caBundle);
}

const source = () =>
  new FileCertificates({
    dir,
    logger: createLogger({ silent: true }),
    pollIntervalMs: 5_000,
    debounceMs: 20,
  });

function nextChange(files: FileCertificates, current: ServingCertificate, stop: AbortSignal) {
  return new Promise<ServingCertificate>((resolve) => {
    void files.watch(stop, current, resolve);
  });
}

describe('FileCertificates', () => {
  it('says which files are missing and how to fix it', async () => {
    await assert.rejects(source().load(), /must hold tls\.crt and tls\.key.*--webhook-cert-dir/);
  });

  it('loads the pair and the CA bundle', async () => {
    const c = await localServingCertificate();
    write(c);
    assert.deepEqual(await source().load(), c);
  });

  it('refuses a key that does not match', async () => {
    const a = await localServingCertificate();
    const b = await localServingCertificate();
    write({ ...a, key: b.key });
    await assert.rejects(source().load(), /does not match its private key/);
    write(a);
  });

  it('reports a renewed pair written in place, and not a broken one', async () => {
    const first = await localServingCertificate();
    write(first);
    const files = source();
    const stop = new AbortController();
    try {
      const broken = nextChange(files, first, stop.signal);
      writeFileSync(join(dir, 'tls.key'), 'not a key');
      const outcome = await Promise.race([broken, new Promise((r) => setTimeout(() => r('kept'), 300))]);
      assert.equal(outcome, 'kept', 'a broken pair is not served');
      const renewed = await localServingCertificate();
      write(renewed);
      assert.deepEqual(await broken, renewed);
    } finally {
      stop.abort();
    }
  });
});

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { createCertificateAuthority, issueLeaf } from '../../runtime/pki.ts';
import { type IssueOptions, issueServingMaterial, materialProblem } from './issue.ts';
import { servingProblem, splitPemBundle } from './serving-check.ts';

const DAY = 24 * 3600 * 1000;
const NAMES = { dnsNames: ['svc.ns.svc', 'localhost'], ips: ['127.0.0.1'] };
const options = (overrides: Partial<IssueOptions> = {}): IssueOptions => ({
  ...NAMES,
  caValidityMs: 3650 * DAY,
  certValidityMs: 365 * DAY,
  renewBeforeMs: 30 * DAY,
  now: new Date(),
  ...overrides,
});

describe('servingProblem', () => {
  it("accepts a fresh certificate naming every host, signed by the bundle's CA", async () => {
    const m = await issueServingMaterial(undefined, options());
    assert.equal(servingProblem(m, options()), undefined);
    assert.equal(materialProblem(m, options()), undefined);
  });

  it('names what is wrong', async () => {
    const m = await issueServingMaterial(undefined, options());
    assert.match(
      servingProblem(m, options({ dnsNames: ['other.ns.svc'] })) ?? '',
      /does not name other\.ns\.svc/,
    );
    const later = new Date(Date.now() + 340 * DAY);
    assert.match(servingProblem(m, options({ now: later })) ?? '', /inside its renewal window/);
    const other = await issueServingMaterial(undefined, options());
    assert.match(servingProblem({ ...m, key: other.key }, options()) ?? '', /does not match its private key/);
    assert.match(servingProblem({ ...m, ca: other.ca }, options()) ?? '', /not signed by the first CA/);
    assert.match(servingProblem({ ...m, cert: 'garbage' }, options()) ?? '', /holds no PEM certificate/);
    assert.match(materialProblem({ cert: m.cert }, options()) ?? '', /lacks one of tls\.crt/);
  });
});

describe('issueServingMaterial', () => {
  it('keeps the CA when it outlives a new serving certificate', async () => {
    const first = await issueServingMaterial(undefined, options());
    const next = await issueServingMaterial(first, options());
    assert.equal(next.ca, first.ca);
    assert.equal(next.caKey, first.caKey);
    assert.notEqual(next.cert, first.cert);
    assert.equal(servingProblem(next, options()), undefined);
  });

  it('replaces an expiring CA and keeps the old one in the bundle until it expires', async () => {
    const old = await issueServingMaterial(
      undefined,
      options({ caValidityMs: 100 * DAY, certValidityMs: 10 * DAY }),
    );
    const next = await issueServingMaterial(old, options());
    const bundle = splitPemBundle(next.ca);
    assert.equal(bundle.length, 2);
    assert.equal(bundle[1]?.trim(), splitPemBundle(old.ca)[0]?.trim());
    assert.equal(servingProblem(next, options()), undefined, 'signed by the new CA, listed first');
    const served = new X509Certificate(next.cert);
    assert.ok(new Date(served.validTo).getTime() > Date.now() + 300 * DAY);
  });

  it('a CA loaded back from PEM signs leaves that verify', async () => {
    const ca = await createCertificateAuthority('test', { validityMs: 3650 * DAY });
    const leaf = await issueLeaf(ca, { subject: 'CN=x', usage: 'server', dnsNames: ['x'] });
    const material = { cert: leaf.cert, key: leaf.key, ca: ca.pem.cert, caKey: ca.pem.key };
    const reissued = await issueServingMaterial(material, options({ dnsNames: ['x'], ips: [] }));
    assert.deepEqual(splitPemBundle(reissued.ca), [ca.pem.cert.trim()]);
    assert.equal(servingProblem(reissued, options({ dnsNames: ['x'], ips: [] })), undefined);
  });
});

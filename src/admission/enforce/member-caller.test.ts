import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { MemberCluster } from '../../api/index.ts';
import { type CertificateAuthority, createCertificateAuthority, issueLeaf } from '../../envtest/index.ts';
import { memberCallerProblem } from './member-caller.ts';

const der = (pem: string) => Buffer.from(new X509Certificate(pem).raw);

function member(name: string, ca: CertificateAuthority | undefined): MemberCluster {
  return {
    name,
    server: 'https://127.0.0.1:1',
    tls: { insecure: false },
    labels: {},
    claimNamespace: `quota-member-${name}`,
    ...(ca === undefined ? {} : { webhookClientCa: ca.pem.cert }),
    webhookClientName: `system:quota-member:${name}`,
  };
}

describe('memberCallerProblem', () => {
  let p1Ca: CertificateAuthority;
  let p2Ca: CertificateAuthority;
  let p1Cert: Buffer;
  let p2Cert: Buffer;
  let p1WrongName: Buffer;

  before(async () => {
    p1Ca = await createCertificateAuthority('p1-webhook-client-ca');
    p2Ca = await createCertificateAuthority('p2-webhook-client-ca');
    p1Cert = der((await issueLeaf(p1Ca, { subject: 'CN=system:quota-member:p1', usage: 'client' })).cert);
    p2Cert = der((await issueLeaf(p2Ca, { subject: 'CN=system:quota-member:p2', usage: 'client' })).cert);
    p1WrongName = der((await issueLeaf(p1Ca, { subject: 'CN=tenant', usage: 'client' })).cert);
  });

  it("accepts the member's own apiserver", () => {
    assert.equal(memberCallerProblem(member('p1', p1Ca), [p1Cert]), undefined);
  });

  it("refuses another member's certificate on this member's path", () => {
    assert.match(memberCallerProblem(member('p1', p1Ca), [p2Cert]) ?? '', /does not chain to member p1/);
  });

  it('refuses a certificate of the right CA with another name', () => {
    assert.match(
      memberCallerProblem(member('p1', p1Ca), [p1WrongName]) ?? '',
      /CN "tenant" is not member p1/,
    );
  });

  it('refuses no certificate, garbage, and a member without a CA', () => {
    assert.equal(memberCallerProblem(member('p1', p1Ca), []), 'no client certificate');
    assert.match(memberCallerProblem(member('p1', p1Ca), [Buffer.from('junk')]) ?? '', /does not parse/);
    assert.match(memberCallerProblem(member('p1', undefined), [p1Cert]) ?? '', /path is closed/);
  });

  it('refuses an expired certificate', () => {
    const later = new Date(Date.now() + 20 * 365 * 24 * 3600 * 1000);
    assert.match(memberCallerProblem(member('p1', p1Ca), [p1Cert], later) ?? '', /does not chain/);
  });
});

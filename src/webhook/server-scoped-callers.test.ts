// Scoped callers on the webhook server (scoped-callers.ts), without a cluster: a member cluster's apiserver
// completes the handshake (its CA joins the trust store) but may call its own path only; the server's own
// paths keep their rule (the client CA and the allowed names), now checked per request; a CA added at run time
// is trusted without a restart. Every refusal happens before a handler runs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../runtime/index.ts';
import { type CertificateAuthority, createCertificateAuthority } from '../runtime/pki.ts';
import { verifyChain } from './certs/chain.ts';
import { ClientCaFile } from './certs/client-ca.ts';
import { allowed } from './review.ts';
import type { ScopedCallers, ScopedRoute } from './scoped-callers.ts';
import {
  clientCertificate as client,
  handshakeRejections as rejections,
  startLocalServer,
} from './testing.ts';

/** Members by name, each trusted on `/members/<name>/enforce` with its CA and CN. */
class Members implements ScopedCallers {
  readonly description = '/members/{name}/enforce';
  readonly #cas = new Map<string, string>();
  readonly #listeners = new Set<() => void>();
  readonly calls: string[] = [];

  add(name: string, ca: CertificateAuthority): void {
    this.#cas.set(name, ca.pem.cert);
    for (const listener of this.#listeners) listener();
  }
  cas(): readonly string[] {
    return [...this.#cas.values()];
  }
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  route(path: string): ScopedRoute | undefined {
    const name = /^\/members\/([a-z0-9-]+)\/enforce$/.exec(path)?.[1];
    const ca = name === undefined ? undefined : this.#cas.get(name);
    if (name === undefined || ca === undefined) return undefined;
    return {
      webhook: this.description,
      handler: async () => {
        this.calls.push(name);
        return allowed();
      },
      authorize: (chain) => {
        const check = verifyChain(ca, chain);
        if (!check.ok) return check.problem;
        return check.commonName === `member-${name}`
          ? undefined
          : `CN ${check.commonName} is not member-${name}`;
      },
    };
  }
}

describe('WebhookServer with scoped callers', () => {
  let dir: string;
  let local: CertificateAuthority;
  let p1: CertificateAuthority;
  let p2: CertificateAuthority;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoped-callers-'));
    [local, p1, p2] = await Promise.all([
      createCertificateAuthority('local-webhook-client-ca'),
      createCertificateAuthority('p1-webhook-client-ca'),
      createCertificateAuthority('p2-webhook-client-ca'),
    ]);
    writeFileSync(join(dir, 'ca.crt'), local.pem.cert);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lets each caller call its own paths only, before any handler runs', async () => {
    const logger = createLogger({ silent: true });
    const members = new Members();
    members.add('p1', p1);
    const clientAuth = {
      ca: new ClientCaFile({ path: join(dir, 'ca.crt'), logger }),
      names: ['kube-apiserver'],
    };
    let own = 0;
    const server = await startLocalServer({ clientAuth, scopedCallers: members, logger }, (s) =>
      s.register('/allow', async () => {
        own++;
        return allowed();
      }),
    );
    const { call } = server;
    try {
      const [apiserver, pod, member1, member1Wrong, member2] = await Promise.all([
        client(local, 'kube-apiserver'),
        client(local, 'a-pod'),
        client(p1, 'member-p1'),
        client(p1, 'tenant'),
        client(p2, 'member-p2'),
      ]);
      assert.equal((await call('/allow', apiserver)).status, 200);
      assert.equal((await call('/members/p1/enforce', member1)).status, 200);

      const refused = await call('/allow', member1);
      assert.equal(refused.status, 403, "a member's apiserver may not call the server's own paths");
      assert.match(refused.body, /does not chain/);
      assert.equal(
        (await call('/members/p1/enforce', apiserver)).status,
        403,
        'nor the local apiserver a member path',
      );
      assert.equal((await call('/members/p1/enforce', member1Wrong)).status, 403, "p1's CA with another CN");
      assert.equal((await call('/allow', pod)).status, 403, 'the allowed names still hold, per request');
      await assert.rejects(
        call('/members/p1/enforce', member2),
        /ECONNRESET|socket hang up|alert/,
        'p2 is not trusted yet',
      );
      assert.equal(own, 1);
      assert.deepEqual(members.calls, ['p1']);
      assert.equal(await rejections(server.registry, 'not_allowed_on_path'), 4);

      // a member registered at run time is trusted at once, on its own path only
      members.add('p2', p2);
      assert.equal((await call('/members/p2/enforce', member2)).status, 200);
      assert.equal((await call('/members/p1/enforce', member2)).status, 403, "p2's certificate on p1's path");
      assert.deepEqual(members.calls, ['p1', 'p2']);
      assert.equal((await call('/members/p9/enforce', member1)).status, 404);
    } finally {
      await server.stop();
    }
  });
});

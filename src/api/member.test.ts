import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANNOTATION_CLAIM_NAMESPACE,
  isMemberSecret,
  KEY_WEBHOOK_CLIENT_CA,
  LABEL_ARGOCD_SECRET_TYPE,
  LABEL_MEMBER,
  type MemberSecret,
  parseMemberSecret,
} from './member.ts';

const PEM_CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function secret(
  overrides: {
    name?: string;
    server?: string;
    config?: unknown;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    data?: Record<string, string>;
  } = {},
): MemberSecret {
  const config = overrides.config ?? {
    tlsClientConfig: { caData: b64(PEM_CA), certData: b64(PEM_CA), keyData: b64(PEM_KEY) },
  };
  return {
    metadata: {
      name: 'member-p1',
      namespace: 'milo-quota-system',
      labels: {
        [LABEL_ARGOCD_SECRET_TYPE]: 'cluster',
        [LABEL_MEMBER]: 'true',
        'resourcemanager.miloapis.com/project-name': 'p1',
        ...overrides.labels,
      },
      annotations: overrides.annotations ?? {},
    },
    data: {
      name: b64(overrides.name ?? 'p1'),
      server: b64(overrides.server ?? 'https://127.0.0.1:6443'),
      config: b64(typeof config === 'string' ? config : JSON.stringify(config)),
      [KEY_WEBHOOK_CLIENT_CA]: b64(PEM_CA),
      ...overrides.data,
    },
  };
}

const paths = (s: MemberSecret) => {
  const parsed = parseMemberSecret(s);
  assert.equal(parsed.ok, false, 'expected errors');
  return parsed.ok ? [] : parsed.errors.map((e) => e.path);
};

describe('parseMemberSecret', () => {
  it('reads an Argo CD cluster Secret with a client certificate, and our defaults', () => {
    const parsed = parseMemberSecret(secret());
    assert.ok(parsed.ok);
    const { member } = parsed;
    assert.equal(member.name, 'p1');
    assert.equal(member.server, 'https://127.0.0.1:6443');
    assert.equal(member.tls.ca, PEM_CA);
    assert.equal(member.tls.cert, PEM_CA);
    assert.equal(member.tls.key, PEM_KEY);
    assert.equal(member.bearerToken, undefined);
    assert.equal(member.claimNamespace, 'quota-member-p1');
    assert.equal(member.webhookClientName, 'system:quota-member:p1');
    assert.equal(member.webhookClientCa, PEM_CA);
    assert.equal(member.labels['resourcemanager.miloapis.com/project-name'], 'p1');
  });

  it('takes a bearer token and a claim namespace of the operator’s choosing', () => {
    const parsed = parseMemberSecret(
      secret({
        config: { bearerToken: 'tok', tlsClientConfig: { caData: b64(PEM_CA) } },
        annotations: { [ANNOTATION_CLAIM_NAMESPACE]: 'claims-p1' },
      }),
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.member.bearerToken, 'tok');
    assert.equal(parsed.member.claimNamespace, 'claims-p1');
  });

  it('is a member only with the member label', () => {
    assert.equal(isMemberSecret(secret()), true);
    assert.equal(isMemberSecret(secret({ labels: { [LABEL_MEMBER]: 'false' } })), false);
  });

  it('names every bad key at once, and the fix', () => {
    const parsed = parseMemberSecret(
      secret({
        name: 'P_1',
        server: 'http://plain',
        labels: { [LABEL_ARGOCD_SECRET_TYPE]: 'repository' },
        annotations: { [ANNOTATION_CLAIM_NAMESPACE]: 'Bad NS' },
        data: { [KEY_WEBHOOK_CLIENT_CA]: b64('not pem') },
      }),
    );
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    const byPath = new Map(parsed.errors.map((e) => [e.path, e.message]));
    assert.match(byPath.get('data.name') ?? '', /must be a DNS label/);
    assert.match(byPath.get('data.server') ?? '', /https:\/\//);
    assert.match(byPath.get(`metadata.labels[${LABEL_ARGOCD_SECRET_TYPE}]`) ?? '', /"cluster"/);
    assert.match(byPath.get(`metadata.annotations[${ANNOTATION_CLAIM_NAMESPACE}]`) ?? '', /namespace name/);
    assert.match(byPath.get(`data[${KEY_WEBHOOK_CLIENT_CA}]`) ?? '', /PEM/);
  });

  it('refuses configs it cannot use safely', () => {
    assert.deepEqual(paths(secret({ config: 'not json' })), ['data.config']);
    assert.deepEqual(paths(secret({ config: [] })), ['data.config']);
    assert.deepEqual(paths(secret({ config: { tlsClientConfig: { caData: b64(PEM_CA) } } })), [
      'data.config',
    ]);
    assert.deepEqual(paths(secret({ config: { bearerToken: 't', tlsClientConfig: { insecure: true } } })), [
      'data.config.tlsClientConfig.insecure',
    ]);
    assert.deepEqual(paths(secret({ config: { bearerToken: 't' } })), ['data.config.tlsClientConfig.caData']);
    assert.deepEqual(
      paths(
        secret({
          config: { bearerToken: 't', tlsClientConfig: { caData: b64(PEM_CA), certData: b64(PEM_CA) } },
        }),
      ),
      ['data.config.tlsClientConfig'],
    );
    assert.deepEqual(
      paths(secret({ config: { bearerToken: 't', tlsClientConfig: { caData: 'bm90IHBlbQ==' } } })),
      ['data.config.tlsClientConfig.caData'],
    );
    assert.deepEqual(
      paths(
        secret({
          config: { execProviderConfig: {}, bearerToken: 't', tlsClientConfig: { caData: b64(PEM_CA) } },
        }),
      ),
      ['data.config.execProviderConfig'],
    );
    const missing = secret();
    const { config: _dropped, ...rest } = missing.data ?? {};
    assert.deepEqual(paths({ ...missing, data: rest }), ['data.config']);
  });
});

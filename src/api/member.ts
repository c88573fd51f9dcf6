// A member cluster, registered as an Argo CD declarative cluster Secret with the quota member label
// (docs/multicluster.md). Pure: the registry reads Secrets from its cache and hands them here; every problem
// comes back as a field error that names the key and the fix, and a Secret with any error is not served.
import { type FieldError, invalid } from './validation/field-error.ts';

export const LABEL_ARGOCD_SECRET_TYPE = 'argocd.argoproj.io/secret-type';
export const LABEL_MEMBER = 'quota.miloapis.com/member';
export const ANNOTATION_CLAIM_NAMESPACE = 'quota.miloapis.com/claim-namespace';
export const ANNOTATION_WEBHOOK_CLIENT_NAME = 'quota.miloapis.com/webhook-client-name';
export const KEY_WEBHOOK_CLIENT_CA = 'webhook-client-ca.crt';

/** The Secret fields the parser reads (a v1 Secret as the API returns it: `data` is base64). */
export interface MemberSecret {
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly data?: Readonly<Record<string, string>>;
}

export interface MemberTls {
  readonly insecure: boolean;
  /** PEM, decoded from Argo CD's base64 `caData`, `certData`, `keyData`. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface MemberCluster {
  /** Argo CD's `name`: the member's name in paths (`/members/<name>/enforce`), labels and namespaces. */
  readonly name: string;
  readonly server: string;
  readonly bearerToken?: string;
  readonly tls: MemberTls;
  /** The Secret's labels: the member's consumer context is read from them (--context-consumer-labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly claimNamespace: string;
  /** PEM CA the member apiserver's webhook client certificate chains to; undefined: not enforced. */
  readonly webhookClientCa?: string;
  readonly webhookClientName: string;
}

export type MemberParse =
  | { readonly ok: true; readonly member: MemberCluster }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/** Whether a Secret asks to be a quota member (the registry's label selector, as a predicate). */
export function isMemberSecret(secret: MemberSecret): boolean {
  const labels = secret.metadata.labels ?? {};
  return labels[LABEL_MEMBER] === 'true';
}

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const PEM = /-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----/;

function decode(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

/** Argo CD's `config` JSON: the connection settings we support, each checked. */
function parseConfig(
  raw: string | undefined,
  errors: FieldError[],
): Pick<MemberCluster, 'bearerToken' | 'tls'> {
  const path = 'data.config';
  if (raw === undefined) {
    errors.push(
      invalid(
        path,
        'is required: Argo CD cluster config JSON, e.g. {"tlsClientConfig":{"caData":"…","certData":"…","keyData":"…"}}',
      ),
    );
    return { tls: { insecure: false } };
  }
  let config: unknown;
  try {
    config = JSON.parse(raw);
  } catch (error) {
    errors.push(invalid(path, `is not JSON (${error instanceof Error ? error.message : String(error)})`));
    return { tls: { insecure: false } };
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    errors.push(invalid(path, 'must be a JSON object with bearerToken and/or tlsClientConfig'));
    return { tls: { insecure: false } };
  }
  const c = config as Record<string, unknown>;
  for (const unsupported of ['awsAuthConfig', 'execProviderConfig', 'username', 'password', 'proxyUrl'])
    if (c[unsupported] !== undefined)
      errors.push(
        invalid(
          `${path}.${unsupported}`,
          'is not supported for quota members: use bearerToken or a client certificate',
        ),
      );
  const bearerToken = typeof c.bearerToken === 'string' && c.bearerToken !== '' ? c.bearerToken : undefined;
  if (c.bearerToken !== undefined && typeof c.bearerToken !== 'string')
    errors.push(invalid(`${path}.bearerToken`, 'must be a string'));
  const tlsRaw = c.tlsClientConfig ?? {};
  if (typeof tlsRaw !== 'object' || tlsRaw === null || Array.isArray(tlsRaw)) {
    errors.push(invalid(`${path}.tlsClientConfig`, 'must be an object'));
    return { tls: { insecure: false } };
  }
  const t = tlsRaw as Record<string, unknown>;
  const pem = (key: 'caData' | 'certData' | 'keyData'): string | undefined => {
    const value = t[key];
    if (value === undefined || value === '') return undefined;
    const decoded = typeof value === 'string' ? decode(value) : undefined;
    if (decoded === undefined || !PEM.test(decoded)) {
      errors.push(
        invalid(`${path}.tlsClientConfig.${key}`, 'must be base64 of a PEM block (base64 -w0 < file.pem)'),
      );
      return undefined;
    }
    return decoded;
  };
  const tls: MemberTls = {
    insecure: t.insecure === true,
    ...optional('ca', pem('caData')),
    ...optional('cert', pem('certData')),
    ...optional('key', pem('keyData')),
  };
  if ((tls.cert === undefined) !== (tls.key === undefined))
    errors.push(invalid(`${path}.tlsClientConfig`, 'certData and keyData go together: set both or neither'));
  if (bearerToken === undefined && tls.cert === undefined)
    errors.push(invalid(path, 'has no credentials: set bearerToken, or certData and keyData'));
  if (!tls.insecure && (t.caData === undefined || t.caData === ''))
    errors.push(
      invalid(
        `${path}.tlsClientConfig.caData`,
        "is required: the member apiserver's CA (insecure: true is refused below)",
      ),
    );
  if (tls.insecure)
    errors.push(
      invalid(`${path}.tlsClientConfig.insecure`, 'must be false: quota decisions need a verified member'),
    );
  return { ...optional('bearerToken', bearerToken), tls };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Parses a member Secret; every problem is returned at once. */
export function parseMemberSecret(secret: MemberSecret): MemberParse {
  const errors: FieldError[] = [];
  const data = secret.data ?? {};
  const labels = secret.metadata.labels ?? {};
  const annotations = secret.metadata.annotations ?? {};
  if (labels[LABEL_ARGOCD_SECRET_TYPE] !== 'cluster')
    errors.push(
      invalid(
        `metadata.labels[${LABEL_ARGOCD_SECRET_TYPE}]`,
        'must be "cluster" (an Argo CD cluster Secret)',
      ),
    );
  const name = decode(data.name) ?? '';
  if (!DNS_LABEL.test(name))
    errors.push(
      invalid(
        'data.name',
        `"${name}" must be a DNS label (lowercase letters, digits, '-', at most 63): it is used in paths and namespace names`,
      ),
    );
  const server = decode(data.server) ?? '';
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:')
    errors.push(invalid('data.server', `"${server}" must be the member apiserver's https:// URL`));
  const connection = parseConfig(decode(data.config), errors);
  const claimNamespace = annotations[ANNOTATION_CLAIM_NAMESPACE] ?? `quota-member-${name}`;
  if (!DNS_LABEL.test(claimNamespace))
    errors.push(
      invalid(
        `metadata.annotations[${ANNOTATION_CLAIM_NAMESPACE}]`,
        `"${claimNamespace}" must be a namespace name (DNS label)`,
      ),
    );
  const ca = decode(data[KEY_WEBHOOK_CLIENT_CA]);
  if (ca !== undefined && !PEM.test(ca))
    errors.push(invalid(`data[${KEY_WEBHOOK_CLIENT_CA}]`, 'must be a PEM CA certificate'));
  const webhookClientName = annotations[ANNOTATION_WEBHOOK_CLIENT_NAME] ?? `system:quota-member:${name}`;
  if (webhookClientName.trim() === '')
    errors.push(invalid(`metadata.annotations[${ANNOTATION_WEBHOOK_CLIENT_NAME}]`, 'must not be empty'));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    member: {
      name,
      server,
      ...connection,
      labels,
      claimNamespace,
      ...optional('webhookClientCa', ca),
      webhookClientName,
    },
  };
}

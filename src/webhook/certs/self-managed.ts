// Self-managed certificates kept in a Secret of the operator's namespace, shared by every replica: the first
// replica creates it, the others read it (create-or-get: AlreadyExists → re-read); an invalid or expiring one
// is reissued with an optimistic update (409 → re-read and re-check, so two replicas never both rotate). Each
// replica re-reads the Secret periodically, so a rotation done by one reaches the others.
import type { KubeClient, Logger, ResourceRef } from '../../runtime/index.ts';
import { errorFields, isAlreadyExists, isConflict, isNotFound, sleep } from '../../runtime/index.ts';
import { type CertificateSource, reloader, type ServingCertificate } from './certificate-source.ts';
import {
  type IssueOptions,
  issueServingMaterial,
  materialProblem,
  type SelfManagedMaterial,
} from './issue.ts';

const SECRETS: ResourceRef = {
  group: '',
  version: 'v1',
  plural: 'secrets',
  namespaced: true,
  kind: 'Secret',
};
const DAY = 24 * 3600 * 1000;

export interface SelfManagedOptions {
  readonly client: KubeClient;
  readonly logger: Logger;
  readonly namespace: string;
  /** Default `milo-quota-webhook-tls`. */
  readonly secretName?: string;
  /** Names the serving certificate must carry (Service DNS names, localhost). */
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
  /** Default 10 years. */
  readonly caValidityMs?: number;
  /** Default 1 year. */
  readonly certValidityMs?: number;
  /** Reissue when less than this is left. Default 30 days. */
  readonly renewBeforeMs?: number;
  /** How often the Secret is re-read and re-checked. Default 10 minutes. */
  readonly checkIntervalMs?: number;
  readonly now?: () => Date;
}

interface Secret {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  type?: string;
  data?: Record<string, string>;
}

const KEYS = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt', caKey: 'ca.key' } as const;

function decode(secret: Secret): Partial<SelfManagedMaterial> {
  const out: Record<string, string> = {};
  for (const [field, key] of Object.entries(KEYS)) {
    const value = secret.data?.[key];
    if (value !== undefined) out[field] = Buffer.from(value, 'base64').toString('utf8');
  }
  return out;
}

function encode(material: SelfManagedMaterial): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [field, key] of Object.entries(KEYS)) {
    data[key] = Buffer.from(material[field as keyof typeof KEYS], 'utf8').toString('base64');
  }
  return data;
}

const served = (m: SelfManagedMaterial): ServingCertificate => ({ cert: m.cert, key: m.key, caBundle: m.ca });

export class SelfManagedCertificates implements CertificateSource {
  readonly description: string;
  readonly #o: SelfManagedOptions;
  readonly #name: string;

  constructor(options: SelfManagedOptions) {
    this.#o = options;
    this.#name = options.secretName ?? 'milo-quota-webhook-tls';
    this.description = `secret ${options.namespace}/${this.#name}`;
  }

  async load(signal: AbortSignal): Promise<ServingCertificate> {
    return served(await this.#ensure(signal));
  }

  async watch(
    signal: AbortSignal,
    current: ServingCertificate,
    onChange: (c: ServingCertificate) => void,
  ): Promise<void> {
    const checkFailed = (error: unknown) =>
      this.#o.logger.warn('webhook certificate check failed; retrying later', {
        secret: this.description,
        ...errorFields(error),
      });
    const check = reloader(current, onChange, () => this.load(signal), checkFailed);
    while (!signal.aborted) {
      await sleep(this.#o.checkIntervalMs ?? 10 * 60_000, signal);
      if (!signal.aborted) await check();
    }
  }

  #issueOptions(): IssueOptions {
    const o = this.#o;
    return {
      dnsNames: o.dnsNames,
      ips: o.ips,
      caValidityMs: o.caValidityMs ?? 3650 * DAY,
      certValidityMs: o.certValidityMs ?? 365 * DAY,
      renewBeforeMs: o.renewBeforeMs ?? 30 * DAY,
      now: o.now?.() ?? new Date(),
    };
  }

  /** Reads the Secret, creating or reissuing it when needed; retries on races with other replicas. */
  async #ensure(signal: AbortSignal): Promise<SelfManagedMaterial> {
    const { client, namespace } = this.#o;
    for (let attempt = 1; ; attempt++) {
      const current = await this.#get(signal);
      const options = this.#issueOptions();
      const material = current === undefined ? undefined : decode(current);
      const problem = material === undefined ? 'it does not exist' : materialProblem(material, options);
      if (problem === undefined) return material as SelfManagedMaterial;
      const next = await issueServingMaterial(material, options);
      this.#o.logger.info('issuing the webhook serving certificate', { secret: this.description, problem });
      const body: Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          ...current?.metadata, // keep others' labels and annotations; resourceVersion makes it optimistic
          name: this.#name,
          namespace,
          labels: { ...current?.metadata?.labels, 'app.kubernetes.io/managed-by': 'milo-quota-operator' },
        },
        type: current?.type ?? 'kubernetes.io/tls', // the type of an existing Secret is immutable
        data: encode(next),
      };
      try {
        if (current === undefined) await client.create(SECRETS, body, { signal });
        else await client.replace(SECRETS, body, { signal });
        return next;
      } catch (error) {
        // another replica got there first: use what it wrote (after checking it)
        if (!(isAlreadyExists(error) || isConflict(error)) || attempt >= 5) throw error;
      }
    }
  }

  async #get(signal: AbortSignal): Promise<Secret | undefined> {
    try {
      return await this.#o.client.get<Secret>(SECRETS, this.#o.namespace, this.#name, signal);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

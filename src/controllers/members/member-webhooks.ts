// Each member cluster's ValidatingWebhookConfiguration (docs/multicluster.md, "Configuration"): the same rules
// as the local enforcement webhook (the served trigger kinds of the applicable ClaimCreationPolicies), pointing
// at `https://<host>:<port>/members/<name>/enforce` with the operator's serving CA. Written through the member's
// own connection and kept current as members come and go, as the rules change and as the certificate rotates.
import type { Member, MemberRegistry } from '../../cache/index.ts';
import type { Logger } from '../../runtime/index.ts';
import {
  type WebhookConfigurationSpec,
  WebhookConfigurations,
  type WebhookRule,
  type WebhookServer,
} from '../../webhook/index.ts';

export const MEMBER_WEBHOOK_CONFIGURATION = 'milo-quota-member-enforcement';

export interface MemberWebhooksOptions {
  readonly registry: MemberRegistry;
  readonly server: WebhookServer;
  readonly logger: Logger;
  /** The host members' apiservers reach the operator's webhook server at (its port is the server's). */
  readonly host: string;
  readonly timeoutSeconds: number;
  /** The member's path (admission/enforce/member-enforcement.ts). */
  readonly path: (member: string) => string;
}

/** The configuration written in member `name` for `rules`. */
export function memberWebhookConfiguration(
  rules: readonly WebhookRule[],
  path: string,
  timeoutSeconds: number,
): WebhookConfigurationSpec {
  return {
    name: MEMBER_WEBHOOK_CONFIGURATION,
    webhooks: [
      {
        name: 'enforce.members.quota.miloapis.com',
        path,
        rules,
        failurePolicy: 'Fail',
        sideEffects: 'NoneOnDryRun',
        timeoutSeconds,
        namespaceSelector: {
          matchExpressions: [
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
          ],
        },
      },
    ],
  };
}

/** Keeps every reachable member's configuration applied; `setRules` with each change of the local rules. */
export class MemberWebhooks {
  readonly name = 'member-webhooks';
  readonly needLeaderElection = true;
  readonly #o: MemberWebhooksOptions;
  readonly #writers = new Map<
    string,
    { member: Member; writer: WebhookConfigurations; stop: AbortController }
  >();
  #rules: readonly WebhookRule[] = [];
  #signal: AbortSignal | undefined;

  constructor(options: MemberWebhooksOptions) {
    this.#o = options;
  }

  setRules(rules: readonly WebhookRule[]): void {
    this.#rules = rules;
    for (const [name, { writer }] of this.#writers) writer.set(this.#spec(name));
  }

  async start(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    const unsubscribe = this.#o.registry.onChange((name) => this.#sync(name));
    for (const member of this.#o.registry.list()) this.#sync(member.cluster.name);
    if (!signal.aborted)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    unsubscribe();
    for (const { stop } of this.#writers.values()) stop.abort();
    this.#writers.clear();
  }

  #spec(name: string): WebhookConfigurationSpec {
    return memberWebhookConfiguration(this.#rules, this.#o.path(name), this.#o.timeoutSeconds);
  }

  /** A writer per reachable member, on its current connection; none for a member that is gone. */
  #sync(name: string): void {
    const signal = this.#signal;
    if (signal === undefined || signal.aborted) return;
    const member = this.#o.registry.get(name);
    const current = this.#writers.get(name);
    if (current !== undefined && current.member.client === member?.client) return;
    current?.stop.abort();
    this.#writers.delete(name);
    if (member === undefined) return;
    const stop = new AbortController();
    const writer = new WebhookConfigurations({
      client: member.client,
      logger: this.#o.logger.child({ member: name }),
      server: this.#o.server,
      endpoint: { kind: 'url', host: this.#o.host },
    });
    writer.set(this.#spec(name));
    this.#writers.set(name, { member, writer, stop });
    void writer.start(AbortSignal.any([signal, stop.signal]));
  }
}

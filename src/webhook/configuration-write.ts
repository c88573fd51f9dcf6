// How the operator writes a webhook configuration that already exists, and what it says when one is missing.
// In the cluster the configurations are manifests (config/webhook, generated from this code): Git owns them,
// and the operator applies only the fields that follow the cluster, under a field manager of their own:
// every webhook's caBundle (the serving certificate) and, where the spec says so, the rules (the enforcement
// webhook's follow the ClaimCreationPolicies). So neither side ever overwrites the other's fields, and the
// operator needs no `create` on ValidatingWebhookConfigurations. Locally (url mode) the operator owns the
// whole object, and first points a copy installed from the manifests at its URL.
import type { RenderedConfiguration, WebhookConfigurationSpec } from './configuration-spec.ts';

/** The field manager of the fields the operator keeps in a configuration it did not create. */
export const OWNED_FIELDS_MANAGER = 'milo-quota-operator-webhook-fields';

/** The parts of a live configuration read here. */
export interface LiveConfiguration {
  readonly metadata: { readonly name?: string };
  readonly webhooks?: readonly {
    readonly name: string;
    readonly clientConfig?: { readonly url?: string; readonly service?: object };
  }[];
}

/** The apply body for a configuration that exists: caBundle, and rules when the operator owns them. */
export function ownedFields(spec: WebhookConfigurationSpec, rendered: RenderedConfiguration) {
  return {
    apiVersion: rendered.apiVersion,
    kind: rendered.kind,
    metadata: { name: rendered.metadata.name },
    webhooks: rendered.webhooks.map((webhook) => ({
      name: webhook.name,
      clientConfig:
        webhook.clientConfig.caBundle === undefined ? {} : { caBundle: webhook.clientConfig.caBundle },
      ...(spec.operatorOwnsRules ? { rules: webhook.rules } : {}),
    })),
  };
}

/** Webhooks the operator serves that the live configuration lacks (a manifest from another version). */
export function missingWebhooks(live: LiveConfiguration, rendered: RenderedConfiguration): string[] {
  const present = new Set((live.webhooks ?? []).map((w) => w.name));
  return rendered.webhooks.map((w) => w.name).filter((name) => !present.has(name));
}

type JsonPatchOp = { op: 'test' | 'add'; path: string; value: unknown } | { op: 'remove'; path: string };

/**
 * Url mode: a JSON patch that turns the live webhooks' `service` into this server's `url`. Server-side apply
 * cannot remove a field another manager owns, and a clientConfig with both is invalid. The `test` ops make
 * the patch fail rather than edit the wrong webhook if the list changed since it was read.
 */
export function pointAtUrlPatch(live: LiveConfiguration, rendered: RenderedConfiguration): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  for (const [i, webhook] of (live.webhooks ?? []).entries()) {
    const url = rendered.webhooks.find((w) => w.name === webhook.name)?.clientConfig.url;
    if (webhook.clientConfig?.service === undefined || url === undefined) continue;
    ops.push(
      { op: 'test', path: `/webhooks/${i}/name`, value: webhook.name },
      { op: 'remove', path: `/webhooks/${i}/clientConfig/service` },
      { op: 'add', path: `/webhooks/${i}/clientConfig/url`, value: url },
    );
  }
  return ops;
}

/** The configuration does not exist and RBAC does not let the operator create it: say what to apply. */
export class ConfigurationMissingError extends Error {
  constructor(name: string, reason: string) {
    super(
      `ValidatingWebhookConfiguration ${name} does not exist and the operator may not create it ` +
        '(its ClusterRole allows get, patch and update by name only); apply the manifests of this ' +
        'operator version: kubectl apply -k config/webhook (part of config/default). The operator fills ' +
        `in caBundle and rules once it exists. API answer: ${reason}`,
    );
    this.name = 'ConfigurationMissingError';
  }
}

/** The live configuration lacks webhooks this operator serves: say which, and what to re-apply. */
export class ConfigurationOutdatedError extends Error {
  constructor(name: string, missing: readonly string[]) {
    super(
      `ValidatingWebhookConfiguration ${name} lacks webhook(s) ${missing.join(', ')} that this operator ` +
        'serves; re-apply the manifests of this operator version: kubectl apply -k config/webhook',
    );
    this.name = 'ConfigurationOutdatedError';
  }
}

// The enforcement ValidatingWebhookConfiguration (SPEC §6) for a set of rules: one webhook at ENFORCEMENT_PATH,
// failurePolicy Fail, kube-system and the operator's namespace excluded. Its rules (the served trigger kinds of
// the applicable ClaimCreationPolicies) are kept by the controller in src/controllers/enforcement-webhook.ts.
import type { WebhookConfigurationSpec, WebhookRule } from '../../webhook/index.ts';

export const ENFORCEMENT_WEBHOOK_NAME = 'milo-quota-enforcement';
export const ENFORCEMENT_PATH = '/enforce-quota';

export function enforcementConfiguration(
  rules: readonly WebhookRule[],
  operatorNamespace: string,
  timeoutSeconds: number,
): WebhookConfigurationSpec {
  const webhook = {
    name: 'enforce.quota.miloapis.com',
    path: ENFORCEMENT_PATH,
    rules,
    failurePolicy: 'Fail' as const,
    sideEffects: 'NoneOnDryRun' as const,
    timeoutSeconds,
    namespaceSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', operatorNamespace] },
      ],
    },
  };
  // The webhook is there without rules too (it matches nothing then): the shipped manifest holds it, and
  // the operator owns only its rules.
  return { name: ENFORCEMENT_WEBHOOK_NAME, webhooks: [webhook], operatorOwnsRules: true };
}

// Public surface of the admission layer: the quota-kind validating handlers and their configuration, the
// enforcement webhook (enforce/), and the wiring of both onto the webhook server (src/webhook).
export { chargeRefusal } from './claim-guard.ts';
export {
  type ContextConsumerRule,
  DEFAULT_CONTEXT_CONSUMER_LABELS,
  namespaceLabelsFrom,
  parseContextConsumerRules,
} from './enforce/context-consumer.ts';
export { type EnforcementOptions, enforcementHandler } from './enforce/enforce.ts';
export {
  ENFORCEMENT_PATH,
  ENFORCEMENT_WEBHOOK_NAME,
  enforcementConfiguration,
} from './enforce/enforcement-configuration.ts';
export { tapClaimCreates, tapClaimStatusWrites } from './enforce/status-tap.ts';
export { ClaimWaiter } from './enforce/waiter.ts';
export { operatorIdentity } from './identity.ts';
export {
  QUOTA_VALIDATION_CONFIGURATION,
  quotaHandlers,
  quotaValidationConfiguration,
  quotaWebhookPath,
} from './quota-webhook.ts';
export { servingNames, setupWebhooks, type WebhookOptions, type Webhooks } from './setup.ts';

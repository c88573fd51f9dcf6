// Public surface of the controllers: the setup functions the operator calls, and what tests need to reach.
export { type EnforcementWebhookOptions, setupEnforcementWebhookController } from './enforcement-webhook.ts';
export { type QuotaControllerOptions, type QuotaControllers, setupQuotaControllers } from './setup.ts';
export { FIELD_MANAGER } from './status-writer.ts';

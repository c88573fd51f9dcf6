// Public surface of the admission layer: the webhook server and its wiring, the webhook configurations, the
// certificate sources, the quota-kind validating handlers, and the AdmissionReview types and verdicts.
export {
  type ServingMaterial,
  type ServingRequirements,
  servingProblem,
  splitPemBundle,
} from './certs/check.ts';
export {
  ClientCaFile,
  type ClientCaSource,
  caBundleProblem,
  readCaBundleSync,
} from './certs/client-ca.ts';
export { FileCertificates, type FileCertificatesOptions } from './certs/files.ts';
export {
  type CertificateAuthority,
  createCertificateAuthority,
  issueLeaf,
  type LeafOptions,
  loadCertificateAuthority,
  type PemPair,
} from './certs/pki.ts';
export { SelfManagedCertificates, type SelfManagedOptions } from './certs/self-managed.ts';
export type { CertificateSource, ServingCertificate } from './certs/source.ts';
export { chargeRefusal } from './claim-guard.ts';
export {
  type ClientConfig,
  clientConfigFor,
  renderConfiguration,
  type ValidatingWebhook,
  type WebhookConfigurationSpec,
  WebhookConfigurations,
  type WebhookEndpoint,
  type WebhookRule,
} from './configuration.ts';
export {
  type ContextConsumerRule,
  DEFAULT_CONTEXT_CONSUMER_LABELS,
  namespaceLabelsFrom,
  parseContextConsumerRules,
} from './context-consumer.ts';
export { type EnforcementOptions, enforcementHandler } from './enforce.ts';
export {
  ENFORCEMENT_PATH,
  ENFORCEMENT_WEBHOOK_NAME,
  setupEnforcementWebhookController,
} from './enforcement-webhook.ts';
export { operatorIdentity } from './identity.ts';
export { parseAdmissionReview } from './parse.ts';
export {
  QUOTA_VALIDATION_CONFIGURATION,
  quotaHandlers,
  quotaValidationConfiguration,
  quotaWebhookPath,
} from './quota-webhook.ts';
export * from './review.ts';
export { type ClientAuthentication, WebhookServer, type WebhookServerOptions } from './server.ts';
export { servingNames, setupWebhooks, type WebhookOptions, type Webhooks } from './setup.ts';
export { tapClaimCreates, tapClaimStatusWrites } from './status-tap.ts';
export { ClaimWaiter } from './waiter.ts';

// Public surface of the webhook transport: the HTTPS server (limits, connections, dispatch), the AdmissionReview
// types and response builders, the ValidatingWebhookConfigurations it keeps applied, and the certificate
// sources. It knows nothing about quota: src/admission registers its handlers and configurations on it.

export type { CertificateSource, ServingCertificate } from './certs/certificate-source.ts';
export { type ChainCheck, type PeerChain, peerChain, verifyChain } from './certs/chain.ts';
export {
  ClientCaFile,
  type ClientCaSource,
  caBundleProblem,
  readCaBundleSync,
} from './certs/client-ca.ts';
export { FileCertificates, type FileCertificatesOptions } from './certs/files.ts';
export { SelfManagedCertificates, type SelfManagedOptions } from './certs/self-managed.ts';
export {
  type ServingMaterial,
  type ServingRequirements,
  servingProblem,
  splitPemBundle,
} from './certs/serving-check.ts';
export { WebhookConfigurations, type WebhookConfigurationsOptions } from './configuration.ts';
export {
  type ClientConfig,
  clientConfigFor,
  type MatchCondition,
  type RenderedConfiguration,
  renderConfiguration,
  type ValidatingWebhook,
  type WebhookConfigurationSpec,
  type WebhookEndpoint,
  type WebhookRule,
} from './configuration-spec.ts';
export {
  ConfigurationMissingError,
  missingWebhooks,
  OWNED_FIELDS_MANAGER,
  ownedFields,
  pointAtUrlPatch,
} from './configuration-write.ts';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './limits.ts';
export { parseAdmissionReview } from './parse.ts';
export * from './review.ts';
export type { ScopedCallers, ScopedRoute } from './scoped-callers.ts';
export { type ClientAuthentication, WebhookServer, type WebhookServerOptions } from './server.ts';

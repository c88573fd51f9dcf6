// Public surface of the controllers: the setup function the operator calls, and what tests need to reach.

export {
  claimSpanAttributes,
  type DecisionContexts,
  DecisionTracing,
  withTraceparent,
} from './claim-tracing.ts';
export { type ClaimObject, deleteClaim, findClaimObject, recordedUid } from './claims.ts';
export { CRD_RESOURCE, servingChanged } from './crds.ts';
export { ResourceDiscovery, type Serving } from './discovery.ts';
export { type EnforcementWebhookOptions, setupEnforcementWebhookController } from './enforcement-webhook.ts';
export { BY_CONSUMER, consumerKeyOf } from './indexes.ts';
export { consumerSnapshot } from './quota/snapshot.ts';
export {
  asKubeObject,
  type QuotaCaches,
  quotaResource,
  RESOURCES,
  type TypedCache,
  typedCache,
} from './resources.ts';
export { type QuotaControllerOptions, type QuotaControllers, setupQuotaControllers } from './setup.ts';
export { FIELD_MANAGER } from './status-writer.ts';

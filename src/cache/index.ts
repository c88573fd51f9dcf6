// Public surface of the cache layer: what the controllers and admission both read about the quota objects in
// the cluster. The QuotaCache (typed, slimmed, indexed informers of the six kinds and the decisions in flight),
// the snapshot adapter from cached objects to the engine's inputs, the kinds the apiserver serves
// (discovery, CRDs), and the claim reads, writes and trace links both sides share.
export {
  claimSpanAttributes,
  type DecisionContexts,
  DecisionTracing,
  withTraceparent,
} from './claim-tracing.ts';
export { type ClaimObject, deleteClaim, findClaimObject, recordedUid } from './claims.ts';
export {
  BY_GROUP_KIND,
  CRD_RESOURCE,
  type CrdSummary,
  crdGroupKinds,
  crdServing,
  groupKindKey,
  servingChanged,
} from './crds.ts';
export { ResourceDiscovery, type Serving } from './discovery.ts';
export {
  BY_CONSUMER,
  BY_RESOURCE_REF,
  BY_RESOURCE_TYPE,
  bucketConsumer,
  claimConsumer,
  consumerKeyOf,
  grantConsumer,
  registrationResourceType,
  resourceRefKey,
} from './indexes.ts';
export {
  findClaimObjectAnywhere,
  type Member,
  type MemberRegistry,
  memberResource,
  readMemberObject,
} from './members.ts';
export { QuotaCache, type SnapshotOptions } from './quota-cache.ts';
export {
  asKubeObject,
  type QuotaKindCaches,
  quotaResource,
  RESOURCES,
  type TypedCache,
  typedCache,
} from './resources.ts';
export {
  type ConsumerClaimsView,
  claimInput,
  grantInput,
  registrationInputs,
  toClaimInput,
} from './snapshot.ts';

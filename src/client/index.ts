// The service-managed claims client (SPEC §7): create-or-get a claim for an owner object, wait for its
// decision by watch, read a decision from a claim, release it. Also the typed reads the kubectl plugin uses.
// Re-exported where they are defined: ClaimRef (a claim by namespace and name) and DenialReason from the
// engine; from the runtime, the project's one Kubernetes I/O, KubeApiError: what a failed API call throws
// (`status`, `reason`, `body`: the apiserver's Status) unless a client error below says more.
export type { ClaimRef, DenialReason } from '../quota/index.ts';
export { groupOf, KubeApiError, type KubeStatus } from '../runtime/index.ts';
export {
  ANNOTATION_OWNER_UID,
  buildClaim,
  type ClaimOwner,
  type EnsureClaimOptions,
  type SpecDifference,
  specDifferences,
} from './build.ts';
export { type ClaimDecision, claimDecision, type DeniedRequest } from './decision.ts';
export { type EnsuredClaim, ensureClaim, releaseClaim } from './ensure.ts';
export {
  ClaimConflictError,
  ClaimDeletedError,
  ClaimNotFoundError,
  ClaimOwnerMismatchError,
  ClusterUnreachableError,
  InvalidClaimError,
  QuotaApiNotInstalledError,
  QuotaClientError,
} from './errors.ts';
export {
  FEATURE_NAME_PREFIX,
  FEATURE_TYPE,
  FeatureCache,
  FeatureCacheNotReadyError,
  type FeatureCacheOptions,
  type FeatureConsumer,
  featureEnabled,
  isFeatureRegistration,
} from './features.ts';
export { type BucketQuery, type QuotaApi, quotaApi } from './kube.ts';
export { claimNameFor, MAX_NAME_LENGTH, type OwnerIdentity } from './naming.ts';
export {
  consumerFromContext,
  type FeatureSource,
  MILO_ORGANIZATION_GROUP,
  QuotaFeatureProvider,
  type QuotaFeatureProviderOptions,
} from './openfeature.ts';
export { refusalFigures } from './refusal.ts';
export { isTransient, type WaitOptions, type WaitResult, waitForDecision } from './wait.ts';

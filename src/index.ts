// The package's public surface: the typed claims client for services that manage their own claims, and the
// quota API types it speaks.

export type {
  AllowanceBucket,
  ClaimCreationPolicy,
  ConsumerRef,
  GrantCreationPolicy,
  QuotaFigures,
  RefusedRequest,
  ResourceClaim,
  ResourceGrant,
  ResourceRegistration,
} from './api/index.ts';
export * from './client/index.ts';

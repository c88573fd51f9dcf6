// The validating webhook for the six quota kinds (SPEC §3, §6): one path and one webhook entry per kind
// (controller-runtime's `/validate-<group>-<version>-<kind>` naming), CREATE and UPDATE of the main resource
// only (status writes go to the status subresource and are not intercepted), failurePolicy Fail.
import { GROUP, KIND_DEFINITIONS, type QuotaKind, type ResourceRegistration, VERSION } from '../api/index.ts';
import type { QuotaCaches } from '../controllers/index.ts';
import type { ClaimGuardDeps } from './claim-guard.ts';
import type { WebhookConfigurationSpec } from './configuration.ts';
import { allowanceBucketHandler } from './handlers/allowance-bucket.ts';
import { claimCreationPolicyHandler } from './handlers/claim-creation-policy.ts';
import { type CacheView, cacheView } from './handlers/common.ts';
import { grantCreationPolicyHandler } from './handlers/grant-creation-policy.ts';
import { resourceClaimHandler } from './handlers/resource-claim.ts';
import { resourceGrantHandler } from './handlers/resource-grant.ts';
import { resourceRegistrationHandler } from './handlers/resource-registration.ts';
import type { AdmissionHandler } from './review.ts';

export const QUOTA_VALIDATION_CONFIGURATION = 'milo-quota-validation';

export function quotaWebhookPath(kind: QuotaKind): string {
  return `/validate-${GROUP.replaceAll('.', '-')}-${VERSION}-${kind.toLowerCase()}`;
}

export interface QuotaWebhookDeps {
  readonly registrations: CacheView<ResourceRegistration>;
  /** The operator's own username: the only writer of AllowanceBuckets. */
  readonly operatorIdentity: () => Promise<string>;
  /** Who may charge consumers and free claims (SPEC §12). */
  readonly claimGuard: ClaimGuardDeps;
}

export function quotaWebhookDeps(
  caches: QuotaCaches,
  operatorIdentity: () => Promise<string>,
  claimGuard: ClaimGuardDeps,
): QuotaWebhookDeps {
  return { registrations: cacheView(caches.registrations), operatorIdentity, claimGuard };
}

/** The handler of each quota kind. */
export function quotaHandlers(deps: QuotaWebhookDeps): Record<QuotaKind, AdmissionHandler> {
  return {
    ResourceRegistration: resourceRegistrationHandler(deps.registrations),
    ResourceGrant: resourceGrantHandler(),
    AllowanceBucket: allowanceBucketHandler(deps.operatorIdentity),
    ResourceClaim: resourceClaimHandler(deps.registrations, deps.claimGuard),
    GrantCreationPolicy: grantCreationPolicyHandler(),
    ClaimCreationPolicy: claimCreationPolicyHandler(),
  };
}

/** The ValidatingWebhookConfiguration for the quota kinds. */
export function quotaValidationConfiguration(timeoutSeconds = 10): WebhookConfigurationSpec {
  return {
    name: QUOTA_VALIDATION_CONFIGURATION,
    webhooks: KIND_DEFINITIONS.map((def) => ({
      name: `${def.singular}.validate.${GROUP}`,
      path: quotaWebhookPath(def.kind as QuotaKind),
      rules: [
        {
          apiGroups: [GROUP],
          apiVersions: ['*'],
          // DELETE of claims too: freeing capacity still in use is an authorization (claim-guard.ts)
          operations: def.kind === 'ResourceClaim' ? ['CREATE', 'UPDATE', 'DELETE'] : ['CREATE', 'UPDATE'],
          resources: [def.plural],
          scope: def.scope,
        },
      ],
      failurePolicy: 'Fail',
      sideEffects: 'None',
      matchPolicy: 'Equivalent',
      timeoutSeconds,
    })),
  };
}

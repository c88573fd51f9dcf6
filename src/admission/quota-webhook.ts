// The validating webhook for the six quota kinds (SPEC §3, §6): one path and one webhook entry per kind
// (controller-runtime's `/validate-<group>-<version>-<kind>` naming), CREATE and UPDATE of the main resource
// only (status writes go to the status subresource and are not intercepted), failurePolicy Fail.
import { GROUP, KIND_DEFINITIONS, type QuotaKind, type ResourceRegistration, VERSION } from '../api/index.ts';
import type { QuotaCache, TypedCache } from '../cache/index.ts';
import type { MatchCondition, WebhookConfigurationSpec } from '../webhook/index.ts';
import type { AdmissionHandler } from '../webhook/review.ts';
import type { ClaimGuardDeps } from './claim-guard.ts';
import { allowanceBucketHandler } from './handlers/allowance-bucket.ts';
import { claimCreationPolicyHandler } from './handlers/claim-creation-policy.ts';
import { grantCreationPolicyHandler } from './handlers/grant-creation-policy.ts';
import { resourceClaimHandler } from './handlers/resource-claim.ts';
import { resourceGrantHandler } from './handlers/resource-grant.ts';
import { resourceRegistrationHandler } from './handlers/resource-registration.ts';

export const QUOTA_VALIDATION_CONFIGURATION = 'milo-quota-validation';

export function quotaWebhookPath(kind: QuotaKind): string {
  return `/validate-${GROUP.replaceAll('.', '-')}-${VERSION}-${kind.toLowerCase()}`;
}

export interface QuotaWebhookDeps {
  readonly registrations: Pick<TypedCache<ResourceRegistration>, 'list' | 'synced'>;
  /** The operator's own username: the only writer of AllowanceBuckets. */
  readonly operatorIdentity: () => Promise<string>;
  /** Who may charge consumers and free claims (SPEC §12). */
  readonly claimGuard: ClaimGuardDeps;
}

export function quotaWebhookDeps(
  caches: QuotaCache,
  operatorIdentity: () => Promise<string>,
  claimGuard: ClaimGuardDeps,
): QuotaWebhookDeps {
  return { registrations: caches.registrations, operatorIdentity, claimGuard };
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

/** The name of the match condition that spares the operator's own claim creates a webhook call. */
export const OWN_CLAIM_CREATES_CONDITION = 'not-the-operators-own-claim-create';

/**
 * The one identity whose claim creates may skip the claim webhook: a ServiceAccount (a workload's own
 * identity, never a person's) spelled as the apiserver spells it. A kubeconfig user (locally, the admin the
 * operator shares with people) gets no skip: their claims must still be validated. Undefined: no skip.
 */
export function ownClaimCreator(username: string | undefined): string | undefined {
  if (username === undefined) return undefined;
  return /^system:serviceaccount:[a-z0-9][a-z0-9.-]*:[a-z0-9][a-z0-9.-]*$/.test(username)
    ? username
    : undefined;
}

/**
 * The claim webhook is not called for the operator's own claim CREATEs (one webhook round trip off every
 * enforced create). What it would check still holds: the charge guard exempts the operator anyway, the
 * enforcement webhook runs the same field and registration checks in process before it creates a claim
 * (enforce.ts), and the CRD schema is the apiserver's. Every other user, and the operator's own UPDATEs and
 * DELETEs, still go through the webhook: userInfo.username is set by the apiserver's authenticator, so a
 * tenant cannot claim to be the operator.
 */
function ownClaimCreatesSkipped(operator: string): MatchCondition[] {
  return [
    {
      name: OWN_CLAIM_CREATES_CONDITION,
      expression: `!(request.operation == 'CREATE' && request.userInfo.username == '${operator}')`,
    },
  ];
}

/**
 * The ValidatingWebhookConfiguration for the quota kinds. `operator`: the operator's ServiceAccount username
 * (see ownClaimCreator), whose claim creates skip the webhook.
 */
export function quotaValidationConfiguration(
  timeoutSeconds = 10,
  operator?: string,
): WebhookConfigurationSpec {
  const own = ownClaimCreator(operator);
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
      ...(def.kind === 'ResourceClaim' && own !== undefined
        ? { matchConditions: ownClaimCreatesSkipped(own) }
        : {}),
    })),
  };
}

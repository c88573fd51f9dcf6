import {
  type ClaimCreationPolicy,
  checkKindSchema,
  claimCreationPolicyDefinition,
  claimCreationPolicyFieldErrors,
  claimCreationPolicyRegistrationErrors,
  type FieldError,
  type GrantCreationPolicy,
  grantCreationPolicyDefinition,
  grantCreationPolicyFieldErrors,
  grantCreationPolicyRegistrationErrors,
  invalid,
  type KindDefinition,
  type RegistrationLookup,
} from '../api/index.ts';
import { compileClaimCreationPolicy, compileGrantCreationPolicy } from './policy.ts';

/**
 * The two validation modes of Milo's `validation/options.go`, as one explicit option:
 * - `admission`: static checks only (src/api's schema and field rules, then syntax, CEL compile and types),
 *   so a policy naming a resource type that is not registered yet is still admitted (pinned by Milo's
 *   edge-case test);
 * - `controller`: static checks plus API state read from `registrations` (src/api's read-only lookup, never a
 *   client): resource types registered and Active (and, for claims, not Features), consumer type equal to
 *   the registration's, literal template namespaces that can exist, plus what a single cluster cannot do
 *   (parentContext). A claim template without consumerRef is valid: its consumer comes from the request's
 *   context. Claiming rules are not checked on the policy: as in Milo, each ResourceClaim is checked at
 *   admission. The controller reports the result as `Ready=False/ValidationFailed`.
 */
export type ValidationOptions =
  | { readonly mode: 'admission'; readonly costLimit?: number | undefined }
  | {
      readonly mode: 'controller';
      readonly registrations: RegistrationLookup;
      readonly costLimit?: number | undefined;
    };

/** The full validator of a GrantCreationPolicy (create and update alike): webhook and controller call it. */
export function validateGrantCreationPolicy(
  policy: GrantCreationPolicy,
  options: ValidationOptions,
): FieldError[] {
  return validateInOrder(policy, options, {
    definition: grantCreationPolicyDefinition,
    fieldErrors: grantCreationPolicyFieldErrors,
    compile: compileGrantCreationPolicy,
    apiStateErrors: (registrations) => [
      ...(policy.spec.target.parentContext === undefined ? [] : [PARENT_CONTEXT_UNSUPPORTED]),
      ...grantCreationPolicyRegistrationErrors(policy, registrations),
    ],
  });
}

/** The full validator of a ClaimCreationPolicy (create and update alike): webhook and controller call it. */
export function validateClaimCreationPolicy(
  policy: ClaimCreationPolicy,
  options: ValidationOptions,
): FieldError[] {
  // No consumerRef is fine (Milo 696c4c7e): the webhook takes the consumer from the request's namespace
  // (src/admission/enforce/context-consumer.ts) and refuses, naming what to set, when none resolves.
  return validateInOrder(policy, options, {
    definition: claimCreationPolicyDefinition,
    fieldErrors: claimCreationPolicyFieldErrors,
    compile: compileClaimCreationPolicy,
    apiStateErrors: (registrations) => claimCreationPolicyRegistrationErrors(policy, registrations),
  });
}

const PARENT_CONTEXT_UNSUPPORTED = invalid(
  'spec.target.parentContext',
  'parentContext (creating grants in another control plane) is not supported on a single cluster: ' +
    'remove it to create grants in this cluster',
);

/** Schema and field rules; then, on a well-formed policy, its CEL; then, in controller mode, API state. */
function validateInOrder<P>(
  policy: P,
  options: ValidationOptions,
  checks: {
    readonly definition: KindDefinition;
    readonly fieldErrors: (policy: P) => FieldError[];
    readonly compile: (policy: P, options: ValidationOptions) => { readonly errors?: readonly FieldError[] };
    readonly apiStateErrors: (registrations: RegistrationLookup) => FieldError[];
  },
): FieldError[] {
  const errors = checks.fieldErrors(policy);
  if (!wellFormed(checks.definition, policy)) return errors;
  errors.push(...(checks.compile(policy, options).errors ?? []));
  if (options.mode === 'admission') return errors;
  return [...errors, ...checks.apiStateErrors(options.registrations)];
}

/**
 * The CEL and API-state checks read the structure the CRD schema guarantees (as for every object the
 * apiserver stores or sends to a webhook); on anything else the schema errors already say what to fix first.
 */
function wellFormed(def: KindDefinition, policy: unknown): boolean {
  return checkKindSchema(def, policy).length === 0;
}

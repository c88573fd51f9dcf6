import type { ConstraintInput } from './constraint.ts';

/**
 * The policy fields `src/policy` reads, as plain structural types (reference §1.6–1.7). They mirror the API
 * types without importing `src/api`, so any object with these fields (a typed API object or decoded JSON from
 * an admission review) can be passed in. Optional fields accept `undefined` so that types declared with
 * `exactOptionalPropertyTypes` either way are assignable.
 */
export interface ObjectMetaTemplate {
  readonly name?: string | undefined;
  readonly generateName?: string | undefined;
  readonly namespace?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

export interface ConsumerRefTemplate {
  readonly apiGroup?: string | undefined;
  readonly kind?: string | undefined;
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
}

/** The part of a grant or claim template the renderer reads; the rest of `spec` is copied as is. */
export interface ObjectTemplate<S extends TemplateSpec = TemplateSpec> {
  readonly metadata?: ObjectMetaTemplate | undefined;
  readonly spec: S;
}
export interface TemplateSpec {
  readonly consumerRef?: ConsumerRefTemplate | undefined;
}

export interface TriggerInput {
  readonly resource: { readonly apiVersion: string; readonly kind: string };
  readonly constraints?: readonly ConstraintInput[] | undefined;
}

export interface GrantTemplateSpec extends TemplateSpec {
  readonly allowances: readonly {
    readonly resourceType: string;
    readonly buckets: readonly { readonly amount: number }[];
  }[];
}

export interface ClaimTemplateSpec extends TemplateSpec {
  readonly requests: readonly { readonly resourceType: string; readonly amount: number }[];
  /** Forbidden in templates (filled in from the admitted object); typed only so it can be reported. */
  readonly resourceRef?: unknown;
}

export interface GrantCreationPolicyInput {
  readonly spec: {
    readonly disabled?: boolean | undefined;
    readonly trigger: TriggerInput;
    readonly target: {
      readonly parentContext?:
        | {
            readonly apiGroup?: string | undefined;
            readonly kind?: string | undefined;
            readonly nameExpression?: string | undefined;
          }
        | undefined;
      readonly resourceGrantTemplate: ObjectTemplate<GrantTemplateSpec>;
    };
  };
}

export interface ClaimCreationPolicyInput {
  readonly spec: {
    readonly disabled?: boolean | undefined;
    readonly trigger: TriggerInput;
    readonly target: { readonly resourceClaimTemplate: ObjectTemplate<ClaimTemplateSpec> };
  };
}

/** What the controller-mode checks need to know about a resource type's registration (a read-only view). */
export interface RegistrationSummary {
  readonly active: boolean;
  readonly consumerType: { readonly apiGroup: string; readonly kind: string };
  /** When given, a ClaimCreationPolicy's trigger kind must be one of these (Milo's claiming rules). */
  readonly claimingResources?:
    | readonly { readonly apiGroup?: string | undefined; readonly kind: string }[]
    | undefined;
}

export interface RegistrationView {
  registrationFor(resourceType: string): RegistrationSummary | undefined;
}

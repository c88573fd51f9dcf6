import type { ObjectMetaTemplate } from '../api/index.ts';
import type { ConstraintInput } from './constraint.ts';

/**
 * The policy fields the compiler and renderer read, as read-only structural types, so that a typed API
 * object (src/api's GrantCreationPolicy, ClaimCreationPolicy) or a template assembled in a test can be passed
 * in. Optional fields accept `undefined` so that types declared with `exactOptionalPropertyTypes` either way
 * are assignable. The validators take src/api's types, since they also run src/api's checks.
 */

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

// An OpenFeature server provider over FeatureCache: boolean flags are Feature registrations, evaluated for
// the consumer the evaluation context names. Flag key → registration: FeatureCache.resolveFlag (resourceType,
// registration name, or the name without `feature-`). Context → consumer, first match wins:
//   1. attribute `consumer`: { kind, name, apiGroup?, namespace? }
//   2. targetingKey: `<apiGroup>/<Kind>/<name>` (e.g. resourcemanager.miloapis.com/Organization/acme), or
//      `<Kind>/<name>` with the provider's defaultApiGroup (Organization/acme)
//   3. attribute `organization`: a name (upstream's provider contract): an Organization in defaultApiGroup
// See docs/client.md for the reasons and error codes.
import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';
import type { FeatureCache, FeatureConsumer } from './features.ts';

/** What the provider reads: FeatureCache, or a fake in unit tests. */
export type FeatureSource = Pick<FeatureCache, 'resolveFlag' | 'isEnabled' | 'onChange'>;

export const MILO_ORGANIZATION_GROUP = 'resourcemanager.miloapis.com';

export interface QuotaFeatureProviderOptions {
  /** Group for `<Kind>/<name>` targeting keys and the `organization` attribute. Default resourcemanager.miloapis.com. */
  readonly defaultApiGroup?: string;
}

type ConsumerResult =
  | { readonly consumer: FeatureConsumer }
  | { readonly errorCode: ErrorCode; readonly errorMessage: string };

const KEY_FORMAT =
  'use <apiGroup>/<Kind>/<name> or <Kind>/<name>, e.g. resourcemanager.miloapis.com/Organization/acme';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function invalid(errorMessage: string): ConsumerResult {
  return { errorCode: ErrorCode.INVALID_CONTEXT, errorMessage };
}

/** The consumer an evaluation context names (pure; exported for tests and for callers that log it). */
export function consumerFromContext(context: EvaluationContext, defaultApiGroup: string): ConsumerResult {
  const attribute = context.consumer;
  if (attribute !== undefined) {
    if (
      attribute === null ||
      typeof attribute !== 'object' ||
      Array.isArray(attribute) ||
      attribute instanceof Date
    ) {
      return invalid('context attribute "consumer" must be an object { kind, name, apiGroup?, namespace? }');
    }
    const record = attribute as Record<string, unknown>;
    const kind = text(record.kind);
    const name = text(record.name);
    if (kind === undefined || name === undefined) {
      return invalid(
        `context attribute "consumer.${kind === undefined ? 'kind' : 'name'}" is missing: set the consumer's kind and name`,
      );
    }
    const apiGroup = typeof record.apiGroup === 'string' ? record.apiGroup : defaultApiGroup;
    const namespace = text(record.namespace);
    return { consumer: { apiGroup, kind, name, ...(namespace === undefined ? {} : { namespace }) } };
  }
  const key = context.targetingKey;
  if (key !== undefined && key !== '') {
    const parts = key.split('/');
    if (parts.some((p) => p === '') || parts.length < 2 || parts.length > 3) {
      return invalid(`targetingKey "${key}" is not a consumer: ${KEY_FORMAT}`);
    }
    const [apiGroup, kind, name] = parts.length === 3 ? parts : [defaultApiGroup, ...parts];
    return { consumer: { apiGroup: apiGroup ?? '', kind: kind ?? '', name: name ?? '' } };
  }
  const organization = context.organization;
  if (organization !== undefined) {
    const name = text(organization);
    if (name === undefined) return invalid('context attribute "organization" must be a non-empty name');
    return { consumer: { apiGroup: defaultApiGroup, kind: 'Organization', name } };
  }
  return {
    errorCode: ErrorCode.TARGETING_KEY_MISSING,
    errorMessage: `no consumer in the evaluation context: set targetingKey (${KEY_FORMAT}) or the attribute "consumer"`,
  };
}

export class QuotaFeatureProvider implements Provider {
  readonly metadata = { name: 'milo-quota-features' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly #cache: FeatureSource;
  readonly #defaultApiGroup: string;
  #unsubscribe: (() => void) | undefined;

  /** The cache must be started (FeatureCache.start); the provider does not stop it (its owner does). */
  constructor(cache: FeatureSource, options: QuotaFeatureProviderOptions = {}) {
    this.#cache = cache;
    this.#defaultApiGroup = options.defaultApiGroup ?? MILO_ORGANIZATION_GROUP;
  }

  async initialize(): Promise<void> {
    this.#unsubscribe ??= this.#cache.onChange(() => this.events.emit(ProviderEvents.ConfigurationChanged));
  }

  async onClose(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    const registration = this.#cache.resolveFlag(flagKey);
    if (registration === undefined) {
      return this.#error(
        defaultValue,
        ErrorCode.FLAG_NOT_FOUND,
        `no Feature ResourceRegistration for flag "${flagKey}"`,
      );
    }
    const found = consumerFromContext(context, this.#defaultApiGroup);
    if ('errorCode' in found) return this.#error(defaultValue, found.errorCode, found.errorMessage);
    const resourceType = registration.spec.resourceType;
    let on: boolean;
    try {
      on = this.#cache.isEnabled(found.consumer, resourceType);
    } catch (error) {
      return this.#error(
        defaultValue,
        ErrorCode.INVALID_CONTEXT,
        error instanceof Error ? error.message : String(error),
      );
    }
    // On: a grant for this consumer matched. Off: the consumer has no grant, so the feature's own default
    // (off) applies; never the caller's defaultValue, so a default of true cannot enable an ungranted feature.
    return {
      value: on,
      reason: on ? StandardResolutionReasons.TARGETING_MATCH : StandardResolutionReasons.DEFAULT,
      variant: on ? 'on' : 'off',
      flagMetadata: { resourceType, registration: registration.metadata.name ?? '' },
    };
  }

  async resolveStringEvaluation(flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return this.#mismatch(flagKey, defaultValue, 'string');
  }

  async resolveNumberEvaluation(flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return this.#mismatch(flagKey, defaultValue, 'number');
  }

  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
  ): Promise<ResolutionDetails<T>> {
    return this.#mismatch(flagKey, defaultValue, 'object');
  }

  /** Features are booleans: any other type is a mismatch, or FLAG_NOT_FOUND when there is no such flag. */
  #mismatch<T>(flagKey: string, defaultValue: T, type: string): ResolutionDetails<T> {
    if (this.#cache.resolveFlag(flagKey) === undefined) {
      return this.#error(
        defaultValue,
        ErrorCode.FLAG_NOT_FOUND,
        `no Feature ResourceRegistration for flag "${flagKey}"`,
      );
    }
    return this.#error(
      defaultValue,
      ErrorCode.TYPE_MISMATCH,
      `flag "${flagKey}" is a boolean feature, not a ${type}: use getBooleanValue`,
    );
  }

  #error<T>(defaultValue: T, errorCode: ErrorCode, errorMessage: string): ResolutionDetails<T> {
    return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage };
  }
}

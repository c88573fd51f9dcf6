// Policy readiness cached per policy: compiling CEL on every trigger reconcile would be the engine's main cost. A
// readiness answer stays valid while the policy's generation and every registration's resourceVersion stay the same.
import { type GrantCreationPolicy, type ResourceRegistration, registrationLookup } from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';
import { type ParentContextMode, type PolicyReadiness, policyReadiness } from './policy-readiness.ts';

export class PolicyReadinessCache {
  readonly #registrations: TypedCache<ResourceRegistration>;
  readonly #cache = new Map<string, { key: string; readiness: PolicyReadiness }>();
  readonly parentContext: ParentContextMode;

  constructor(
    registrations: TypedCache<ResourceRegistration>,
    parentContext: ParentContextMode = 'unsupported',
  ) {
    this.#registrations = registrations;
    this.parentContext = parentContext;
  }

  of(policy: GrantCreationPolicy): PolicyReadiness {
    const registrations = this.#registrations.list();
    const versions = registrations.map((r) => `${r.metadata.name}@${r.metadata.resourceVersion}`).sort();
    const { uid, generation, name = '' } = policy.metadata;
    const key = `${uid}/${generation}/${versions.join(',')}`;
    const cached = this.#cache.get(name);
    if (cached?.key === key) return cached.readiness;
    const readiness = policyReadiness(policy, registrationLookup(registrations), this.parentContext);
    this.#cache.set(name, { key, readiness });
    return readiness;
  }

  forget(name: string): void {
    this.#cache.delete(name);
  }
}

// Verdicts cached per policy: compiling CEL on every trigger reconcile would be the engine's main cost. A
// verdict stays valid while the policy's generation and every registration's resourceVersion stay the same.
import { type GrantCreationPolicy, type ResourceRegistration, registrationLookup } from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';
import { type ParentContextMode, type PolicyVerdict, policyVerdict } from './verdict.ts';

export class PolicyVerdicts {
  readonly #registrations: TypedCache<ResourceRegistration>;
  readonly #cache = new Map<string, { key: string; verdict: PolicyVerdict }>();
  readonly parentContext: ParentContextMode;

  constructor(
    registrations: TypedCache<ResourceRegistration>,
    parentContext: ParentContextMode = 'unsupported',
  ) {
    this.#registrations = registrations;
    this.parentContext = parentContext;
  }

  of(policy: GrantCreationPolicy): PolicyVerdict {
    const registrations = this.#registrations.list();
    const versions = registrations.map((r) => `${r.metadata.name}@${r.metadata.resourceVersion}`).sort();
    const { uid, generation, name = '' } = policy.metadata;
    const key = `${uid}/${generation}/${versions.join(',')}`;
    const cached = this.#cache.get(name);
    if (cached?.key === key) return cached.verdict;
    const verdict = policyVerdict(policy, registrationLookup(registrations), this.parentContext);
    this.#cache.set(name, { key, verdict });
    return verdict;
  }

  forget(name: string): void {
    this.#cache.delete(name);
  }
}

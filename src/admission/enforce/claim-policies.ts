// The ClaimCreationPolicies that apply to a create: Ready, not disabled, trigger group+kind equal to the
// object's (any version, unlike Milo's exact-version match). Compiled once per policy generation.
import { type ClaimCreationPolicy, claimPolicyApplies } from '../../api/index.ts';
import type { TypedCache } from '../../cache/index.ts';
import {
  type CompiledClaimCreationPolicy,
  compileClaimCreationPolicy,
  type FieldError,
} from '../../policy/index.ts';
import { groupOf } from '../../runtime/index.ts';

export interface MatchedPolicy {
  readonly name: string;
  readonly compiled:
    | { readonly ok: true; readonly value: CompiledClaimCreationPolicy }
    | { readonly ok: false; readonly errors: readonly FieldError[] };
}

export class ClaimPolicies {
  readonly #cache: TypedCache<ClaimCreationPolicy>;
  readonly #compiled = new Map<string, { generation: number; compiled: MatchedPolicy['compiled'] }>();

  constructor(cache: TypedCache<ClaimCreationPolicy>) {
    this.#cache = cache;
  }

  matching(group: string, kind: string): MatchedPolicy[] {
    return this.#cache
      .list()
      .filter(claimPolicyApplies)
      .filter(
        (p) => p.spec.trigger.resource.kind === kind && groupOf(p.spec.trigger.resource.apiVersion) === group,
      )
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))
      .map((p) => ({ name: p.metadata.name ?? '', compiled: this.#compile(p) }));
  }

  #compile(policy: ClaimCreationPolicy): MatchedPolicy['compiled'] {
    const key = policy.metadata.uid ?? policy.metadata.name ?? '';
    const generation = policy.metadata.generation ?? 0;
    const hit = this.#compiled.get(key);
    if (hit?.generation === generation) return hit.compiled;
    const compiled = compileClaimCreationPolicy(policy);
    this.#compiled.set(key, { generation, compiled });
    return compiled;
  }
}

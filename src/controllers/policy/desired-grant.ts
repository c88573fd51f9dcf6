// What one Ready policy wants for one trigger object: no grant (a constraint is false), the rendered grant,
// or an error to report. The grant carries only what the template renders plus the two stamped labels,
// never the trigger's own labels or annotations, so no GitOps tracking key can travel onto it.
import {
  API_VERSION,
  isGitOpsTrackingKey,
  LABEL_MEMBER_CLUSTER,
  LABEL_POLICY,
  LABEL_TRIGGER_UID,
  type OwnerReference,
  type ResourceGrant,
  type ResourceGrantSpec,
} from '../../api/index.ts';
import {
  bindVariables,
  type CompiledGrantCreationPolicy,
  evaluateConstraints,
  type GrantTemplateSpec,
  type JsonObject,
  type RenderedObject,
  renderObject,
} from '../../policy/index.ts';
import { apiVersionOf, type KubeObject, type ResourceRef } from '../../runtime/index.ts';
import type { ParentResolver } from './parent-context.ts';

export type PolicyOutcome =
  | { readonly kind: 'want'; readonly policy: string; readonly grant: ResourceGrant }
  | { readonly kind: 'none'; readonly policy: string; readonly why: string }
  | { readonly kind: 'failed'; readonly policy: string; readonly error: string }
  /** The parent context names no member (yet): nothing is created, and a grant made earlier is kept. */
  | { readonly kind: 'unresolved'; readonly policy: string; readonly why: string };

/**
 * The controller ownerReference to the trigger, when Kubernetes' garbage collector can honour it: a
 * cluster-scoped owner, or a namespaced owner in the grant's own namespace. Otherwise none: the operator
 * deletes the grant itself when the trigger goes.
 */
export function ownerReferenceFor(
  trigger: KubeObject,
  ref: ResourceRef,
  grantNamespace: string,
): OwnerReference | undefined {
  const meta = trigger.metadata ?? {};
  if (ref.namespaced && meta.namespace !== grantNamespace) return undefined;
  return {
    apiVersion: apiVersionOf(ref),
    kind: ref.kind ?? trigger.kind ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Whether a grant may have been made for an object of `ref`'s kind: its controller reference, when it has
 * one, names that kind. A grant without one (trigger in another namespace) cannot tell, so it may.
 */
export function mayBelongToKind(grant: ResourceGrant, ref: ResourceRef): boolean {
  const controller = grant.metadata.ownerReferences?.find((r) => r.controller === true);
  return (
    controller === undefined || (controller.apiVersion === apiVersionOf(ref) && controller.kind === ref.kind)
  );
}

/**
 * Evaluates the constraints, resolves the parent context (only with `resolveParent`, for a policy that has
 * one) and renders the grant; every error becomes a `failed` outcome.
 */
export function evaluatePolicy(
  policy: string,
  compiled: CompiledGrantCreationPolicy,
  trigger: KubeObject,
  ref: ResourceRef,
  resolveParent?: ParentResolver,
): PolicyOutcome {
  try {
    const bindings = bindVariables('GrantCreationPolicy', { trigger: trigger as JsonObject });
    const outcome = evaluateConstraints(compiled.constraints, bindings);
    if (!outcome.holds) {
      const detail = outcome.message === undefined ? '' : ` (${outcome.message})`;
      return { kind: 'none', policy, why: `constraint ${outcome.index} no longer holds${detail}` };
    }
    let member: string | undefined;
    if (resolveParent !== undefined && compiled.parentName !== undefined) {
      const parent = resolveParent(compiled, trigger);
      if (!parent.ok) return { kind: 'unresolved', policy, why: parent.message };
      member = parent.member;
    }
    const rendered = renderObject(compiled.template, bindings);
    return { kind: 'want', policy, grant: grantFrom(policy, rendered, trigger, ref, member) };
  } catch (error) {
    return { kind: 'failed', policy, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * `member`: the member cluster the grant is for (`--parent-context=members`). Such a grant is labelled with it
 * and has no ownerReference, as Milo's grants in another control plane have none: the engine deletes it when
 * the trigger goes, by its trigger-uid label.
 */
export function grantFrom(
  policy: string,
  rendered: RenderedObject<GrantTemplateSpec>,
  trigger: KubeObject,
  ref: ResourceRef,
  member?: string,
): ResourceGrant {
  const meta = rendered.metadata;
  const namespace = meta.namespace ?? (ref.namespaced ? trigger.metadata?.namespace : undefined);
  if (namespace === undefined || namespace === '') {
    throw new Error(
      'spec.target.resourceGrantTemplate.metadata.namespace: grants are namespaced and the trigger is ' +
        'cluster-scoped: set a namespace, e.g. quota-system or organization-{{trigger.metadata.name}}',
    );
  }
  const owner = member === undefined ? ownerReferenceFor(trigger, ref, namespace) : undefined;
  const labels = {
    ...withoutTrackingKeys(meta.labels),
    [LABEL_POLICY]: policy,
    [LABEL_TRIGGER_UID]: trigger.metadata?.uid ?? '',
    ...(member !== undefined && { [LABEL_MEMBER_CLUSTER]: member }),
  };
  const annotations = withoutTrackingKeys(meta.annotations);
  return {
    apiVersion: API_VERSION,
    kind: 'ResourceGrant',
    metadata: {
      name: meta.name ?? '',
      namespace,
      labels,
      ...(Object.keys(annotations).length > 0 && { annotations }),
      ...(owner !== undefined && { ownerReferences: [owner] }),
    },
    spec: grantSpec(rendered.spec),
  };
}

/** Only the grant fields, rebuilt explicitly: nothing else in the template spec travels. */
function grantSpec(spec: GrantTemplateSpec): ResourceGrantSpec {
  const ref = spec.consumerRef ?? {};
  return {
    consumerRef: {
      ...(ref.apiGroup !== undefined && { apiGroup: ref.apiGroup }),
      kind: ref.kind ?? '',
      name: ref.name ?? '',
      ...(ref.namespace !== undefined && { namespace: ref.namespace }),
    },
    allowances: spec.allowances.map((a) => ({
      resourceType: a.resourceType,
      buckets: a.buckets.map((b) => ({ amount: b.amount })),
    })),
  };
}

/** Defence in depth: validation already rejects tracking keys in templates. */
function withoutTrackingKeys(entries: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([key]) => !isGitOpsTrackingKey(key)));
}

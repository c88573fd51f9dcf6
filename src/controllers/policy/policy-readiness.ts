// Whether a GrantCreationPolicy may act, decided from its spec and the registrations alone (the trigger
// kind's availability is added by the status controller). The status controller and the engine both ask
// this, so the engine never acts on a policy its status would call not Ready.
import {
  type FieldError,
  formatFieldErrors,
  type GrantCreationPolicy,
  LABEL_POLICY,
  LABEL_TRIGGER_UID,
  labelValueProblem,
  MESSAGES,
  type PolicyReadyReason,
  type RegistrationLookup,
} from '../../api/index.ts';
import {
  type CompiledGrantCreationPolicy,
  compileGrantCreationPolicy,
  validateGrantCreationPolicy,
} from '../../policy/index.ts';

export type PolicyReadiness =
  | { readonly ok: true; readonly compiled: CompiledGrantCreationPolicy }
  | {
      readonly ok: false;
      readonly reason: Exclude<PolicyReadyReason, 'PolicyReady'>;
      readonly message: string;
    };

const PARENT_CONTEXT = 'spec.target.parentContext';
const LABELS = 'spec.target.resourceGrantTemplate.metadata.labels';

/**
 * What `spec.target.parentContext` means here (`--parent-context`): `unsupported` (default): the policy is not
 * Ready and creates nothing; `this-cluster`: the parent's control plane is this cluster, so the grants are
 * created here from the template, as Milo creates them in the parent's control plane (one cluster stands in
 * for all of them, as namespaces stand in for Projects: docs/milo-parity.md); `members`: the context is the
 * registered member cluster that stands for it (parent-context.ts), and the grant is created in this, the
 * quota cluster, labelled with the member, once that member is registered (docs/multicluster.md).
 */
export type ParentContextMode = 'unsupported' | 'this-cluster' | 'members';

export const PARENT_CONTEXT_MODES: readonly ParentContextMode[] = ['unsupported', 'this-cluster', 'members'];

export const PARENT_CONTEXT_THIS_CLUSTER_MESSAGE =
  'spec.target.parentContext names a control plane; with --parent-context=this-cluster every control plane ' +
  'is this cluster, so grants are created here from the template';

export const PARENT_CONTEXT_MESSAGE =
  'spec.target.parentContext (creating grants in another control plane) is not supported on a single ' +
  'cluster; the policy does nothing rather than create its grants here: remove parentContext to create ' +
  'grants in this cluster, or run the operator with --parent-context=this-cluster (or =members with ' +
  'member clusters registered: docs/multicluster.md)';

/**
 * Checks of what the operator stamps on every grant: the policy name is a label value, and the trigger-uid
 * label is the operator's to write. A template may set `quota.miloapis.com/policy` to anything (Milo's
 * production-style manifests name another policy there): the operator always replaces it with the policy's
 * own name on the grant, because clean-up finds a policy's grants by that label, and a value taken from the
 * template would let one policy's grants be deleted or adopted by another.
 */
export function stampErrors(policy: GrantCreationPolicy): FieldError[] {
  const name = policy.metadata.name ?? '';
  const errors: FieldError[] = [];
  const problem = labelValueProblem(name);
  if (problem !== undefined) {
    errors.push({
      path: 'metadata.name',
      message: `the policy name labels every grant it creates (${LABEL_POLICY}), so it must be a valid label value: ${problem}`,
    });
  }
  const labels = policy.spec.target.resourceGrantTemplate.metadata?.labels ?? {};
  if (labels[LABEL_TRIGGER_UID] !== undefined) {
    errors.push({
      path: `${LABELS}["${LABEL_TRIGGER_UID}"]`,
      message: "the operator sets this label to the trigger object's uid: remove it from the template",
    });
  }
  return errors;
}

/**
 * In order: validation errors (static and API state) → ValidationFailed; parentContext →
 * ParentContextUnsupported unless `parentContext` is `this-cluster` or `members` (never a silent fallback to this
 * cluster: the operator is told so by a flag); disabled → PolicyDisabled.
 */
export function policyReadiness(
  policy: GrantCreationPolicy,
  registrations: RegistrationLookup,
  parentContext: ParentContextMode = 'unsupported',
): PolicyReadiness {
  const errors = validateGrantCreationPolicy(policy, { mode: 'controller', registrations }).filter(
    (e) => e.path !== PARENT_CONTEXT,
  );
  errors.push(...stampErrors(policy));
  if (errors.length > 0) return failed(errors);
  if (policy.spec.target.parentContext !== undefined && parentContext === 'unsupported') {
    return { ok: false, reason: 'ParentContextUnsupported', message: PARENT_CONTEXT_MESSAGE };
  }
  if (policy.spec.disabled === true) {
    return { ok: false, reason: 'PolicyDisabled', message: MESSAGES.policyDisabled };
  }
  const compiled = compileGrantCreationPolicy(policy);
  return compiled.ok ? { ok: true, compiled: compiled.value } : failed(compiled.errors);
}

function failed(errors: readonly FieldError[]): PolicyReadiness {
  return {
    ok: false,
    reason: 'ValidationFailed',
    message: formatFieldErrors(errors),
  };
}

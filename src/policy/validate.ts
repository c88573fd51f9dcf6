import type { FieldError } from './errors.ts';
import type {
  ClaimCreationPolicyInput,
  ConsumerRefTemplate,
  GrantCreationPolicyInput,
  RegistrationSummary,
  RegistrationView,
} from './inputs.ts';
import {
  CLAIM_TEMPLATE_PATH,
  compileClaimCreationPolicy,
  compileGrantCreationPolicy,
  GRANT_TEMPLATE_PATH,
} from './policy.ts';

/**
 * The two validation modes of Milo's `validation/options.go`, as one explicit option:
 * - `admission`: static checks only (syntax, CEL compile and types, names), so a policy naming a resource
 *   type that is not registered yet is still admitted (pinned by Milo's edge-case test);
 * - `controller`: static checks plus API state read from `registrations` (a read-only view, never a client):
 *   resource types registered and Active, consumer type equal to the registration's, claim triggers among the
 *   registration's claiming resources. The controller reports the result as `Ready=False/ValidationFailed`.
 */
export type ValidationOptions =
  | { readonly mode: 'admission'; readonly costLimit?: number | undefined }
  | {
      readonly mode: 'controller';
      readonly registrations: RegistrationView;
      readonly costLimit?: number | undefined;
    };

export function validateGrantCreationPolicy(
  policy: GrantCreationPolicyInput,
  options: ValidationOptions,
): FieldError[] {
  const errors = [...(compileGrantCreationPolicy(policy, { costLimit: options.costLimit }).errors ?? [])];
  if (options.mode === 'admission') return errors;
  const { target } = policy.spec;
  if (target.parentContext !== undefined) {
    errors.push({
      path: 'spec.target.parentContext',
      message:
        'parentContext (creating grants in another control plane) is not supported on a single cluster: ' +
        'remove it to create grants in this cluster',
    });
  }
  const spec = target.resourceGrantTemplate.spec;
  spec.allowances.forEach((allowance, i) => {
    const path = `${GRANT_TEMPLATE_PATH}.spec.allowances[${i}].resourceType`;
    const consumer = { ref: spec.consumerRef, path: `${GRANT_TEMPLATE_PATH}.spec.consumerRef` };
    errors.push(...registrationErrors(options.registrations, allowance.resourceType, path, consumer));
  });
  return dedupe(errors);
}

export function validateClaimCreationPolicy(
  policy: ClaimCreationPolicyInput,
  options: ValidationOptions,
): FieldError[] {
  const errors = [...(compileClaimCreationPolicy(policy, { costLimit: options.costLimit }).errors ?? [])];
  if (options.mode === 'admission') return errors;
  const spec = policy.spec.target.resourceClaimTemplate.spec;
  if (spec.consumerRef === undefined) {
    errors.push({
      path: `${CLAIM_TEMPLATE_PATH}.spec.consumerRef`,
      message:
        'Required value: on a single cluster there is no project context to default the consumer from; set ' +
        "consumerRef, e.g. {kind: Organization, name: '{{trigger.spec.ownerRef.name}}'}",
    });
  }
  const trigger = triggerGroupKind(policy.spec.trigger.resource);
  spec.requests.forEach((request, i) => {
    const path = `${CLAIM_TEMPLATE_PATH}.spec.requests[${i}].resourceType`;
    const consumer = { ref: spec.consumerRef, path: `${CLAIM_TEMPLATE_PATH}.spec.consumerRef` };
    const found = registrationErrors(options.registrations, request.resourceType, path, consumer);
    errors.push(...found);
    const registration = options.registrations.registrationFor(request.resourceType);
    if (found.length === 0 && registration !== undefined) {
      errors.push(...claimingErrors(registration, request.resourceType, trigger));
    }
  });
  return dedupe(errors);
}

interface Consumer {
  readonly ref: ConsumerRefTemplate | undefined;
  readonly path: string;
}

function registrationErrors(
  view: RegistrationView,
  resourceType: string,
  path: string,
  consumer: Consumer,
): FieldError[] {
  if (resourceType === '' || resourceType.includes('{{')) return []; // reported by the static checks
  const registration = view.registrationFor(resourceType);
  if (registration === undefined) {
    return [
      {
        path,
        message: `resource type validation failed: resource type '${resourceType}' is not registered: create a ResourceRegistration for it`,
      },
    ];
  }
  if (!registration.active) {
    return [
      {
        path,
        message: `resource type validation failed: the ResourceRegistration for '${resourceType}' is not Active`,
      },
    ];
  }
  return consumerErrors(registration, resourceType, consumer);
}

/** Consumer type check; skipped when apiGroup or kind is templated (only rendering can tell). */
function consumerErrors(
  registration: RegistrationSummary,
  resourceType: string,
  consumer: Consumer,
): FieldError[] {
  const consumerRef = consumer.ref;
  if (consumerRef?.kind === undefined) return [];
  const group = consumerRef.apiGroup ?? '';
  if (group.includes('{{') || consumerRef.kind.includes('{{')) return [];
  const want = registration.consumerType;
  if (want.apiGroup === group && want.kind === consumerRef.kind) return [];
  return [
    {
      path: consumer.path,
      message:
        `consumer type mismatch for resource type ${resourceType}: expected ${want.apiGroup}/${want.kind}, ` +
        `got ${group}/${consumerRef.kind}`,
    },
  ];
}

function claimingErrors(
  registration: RegistrationSummary,
  resourceType: string,
  trigger: { group: string; kind: string },
): FieldError[] {
  const allowed = registration.claimingResources;
  if (allowed === undefined) return [];
  const matches = allowed.some(
    (r) => (r.apiGroup ?? '') === trigger.group && r.kind.toLowerCase() === trigger.kind.toLowerCase(),
  );
  if (matches) return [];
  const show = (g: string, k: string) => `${g === '' ? 'core' : g}/${k}`;
  const list = allowed.map((r) => show(r.apiGroup ?? '', r.kind)).join(', ');
  return [
    {
      path: 'spec.trigger.resource',
      message:
        `resource type ${show(trigger.group, trigger.kind)} does not satisfy claiming rules for ${resourceType}. ` +
        `Allowed claiming resources: [${list}] (every matching create would be denied)`,
    },
  ];
}

function triggerGroupKind(resource: { apiVersion: string; kind: string }): { group: string; kind: string } {
  const slash = resource.apiVersion.lastIndexOf('/');
  return { group: slash < 0 ? '' : resource.apiVersion.slice(0, slash), kind: resource.kind };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

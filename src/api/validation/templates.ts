// Static checks of policy templates, the ones that need no CEL: required and exclusive names, literal names
// and keys that must be valid Kubernetes names, GitOps tracking keys generated objects must not carry, and
// literal resource types. Values that open a `{{ }}` expression are left to src/policy, which parses and
// type-checks the CEL inside and applies the same name rules to the rendered text.
import type { ConsumerRef } from '../consumer.ts';
import type { ObjectMetaTemplate } from '../grant-creation-policy.ts';
import { child, type FieldError, forbidden, invalid, required } from './field-error.ts';
import {
  apiGroupProblem,
  dnsLabelProblem,
  dnsSubdomainProblem,
  generateNameProblem,
  gitOpsTrackingKeyProblem,
  isTemplated,
  kindProblem,
  labelValueProblem,
  type NameRule,
  qualifiedNameProblem,
} from './names.ts';

function literal(value: string | undefined, path: string, problem: NameRule): FieldError[] {
  if (value === undefined || value === '' || isTemplated(value)) return [];
  const p = problem(value);
  return p === undefined ? [] : [invalid(path, p)];
}

/** Keys are literal qualified names and never tracking keys; values are checked when literal. */
function keyErrors(
  map: Record<string, string> | undefined,
  path: string,
  valueRule: NameRule | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    const p = `${path}[${key}]`;
    const tracking = gitOpsTrackingKeyProblem(key);
    if (tracking !== undefined) {
      errors.push(forbidden(p, tracking));
      continue;
    }
    const keyProblem = isTemplated(key)
      ? 'keys are not templated: write the key literally (values may use {{ }})'
      : qualifiedNameProblem(key);
    if (keyProblem !== undefined) errors.push(invalid(p, keyProblem));
    if (valueRule !== undefined) errors.push(...literal(value, p, valueRule));
  }
  return errors;
}

export interface MetadataRules {
  /** Grants need a deterministic name (Milo): the operator finds the grant it made for a trigger by name. */
  readonly nameRequired: boolean;
  /** Claims may use generateName instead of name, but not both (Milo checks this for claims only). */
  readonly exclusiveNames: boolean;
}

export function metadataTemplateErrors(
  meta: ObjectMetaTemplate | undefined,
  path: string,
  rules: MetadataRules,
): FieldError[] {
  const m = meta ?? {};
  const errors: FieldError[] = [];
  const hasName = m.name !== undefined && m.name.trim() !== '';
  const hasGenerateName = m.generateName !== undefined && m.generateName.trim() !== '';
  if (rules.nameRequired && !hasName) {
    errors.push(
      required(
        child(path, 'name'),
        'Required value: grants need a deterministic name (the operator updates and deletes the grant it ' +
          'made for each trigger by name), e.g. auto-grant-{{trigger.metadata.name}}',
      ),
    );
  }
  if (rules.exclusiveNames && hasName && hasGenerateName) {
    errors.push(invalid(path, 'metadata.name and metadata.generateName are mutually exclusive'));
  }
  errors.push(...literal(m.name, child(path, 'name'), dnsSubdomainProblem));
  errors.push(...literal(m.generateName, child(path, 'generateName'), generateNameProblem));
  // Milo admits any DNS subdomain here; that no namespace has dots is the controller's check (see below).
  errors.push(...literal(m.namespace, child(path, 'namespace'), dnsSubdomainProblem));
  errors.push(...keyErrors(m.labels, child(path, 'labels'), labelValueProblem));
  errors.push(...keyErrors(m.annotations, child(path, 'annotations'), undefined));
  return errors;
}

/**
 * A literal template namespace that no namespace can have (namespaces are DNS labels: no dots). Milo admits
 * such a policy and every object it renders then fails; we admit it too, so the same manifests apply, and the
 * controller reports it (Ready=False/ValidationFailed) instead of rendering objects that cannot be created.
 */
export function literalNamespaceErrors(meta: ObjectMetaTemplate | undefined, path: string): FieldError[] {
  const namespace = meta?.namespace;
  if (namespace === undefined || namespace === '' || isTemplated(namespace)) return [];
  const problem = dnsLabelProblem(namespace);
  if (problem === undefined) return [];
  const p = child(path, 'namespace');
  return [invalid(p, `${problem}: namespaces are DNS labels, so no object could be created there`)];
}

export function consumerTemplateErrors(ref: ConsumerRef | undefined, path: string): FieldError[] {
  if (ref === undefined) return [];
  return [
    ...literal(ref.apiGroup, child(path, 'apiGroup'), apiGroupProblem),
    ...literal(ref.kind, child(path, 'kind'), kindProblem),
    ...literal(ref.name, child(path, 'name'), dnsSubdomainProblem),
    ...literal(ref.namespace, child(path, 'namespace'), dnsLabelProblem),
  ];
}

/** The consumer when its kind and apiGroup are literal (checkable against a consumerType), else undefined. */
export function literalConsumer(ref: ConsumerRef | undefined): ConsumerRef | undefined {
  if (ref === undefined || isTemplated(ref.kind) || isTemplated(ref.apiGroup ?? '')) return undefined;
  return ref;
}

/**
 * Resource types are literal: registrations are looked up by the written text, so a template would never
 * match one (Milo rendered claim resource types but validated the raw template, so such policies never
 * became Ready). An empty one is reported here only when `emptyToo` (claim requests report it themselves).
 */
export function resourceTypeTemplateErrors(
  resourceType: unknown,
  path: string,
  emptyToo: boolean,
): FieldError[] {
  if (typeof resourceType !== 'string') return [];
  if (resourceType === '') return emptyToo ? [required(path, 'resource type is required')] : [];
  if (!isTemplated(resourceType)) return [];
  return [invalid(path, 'resource types are not templated: write the registered resource type literally')];
}

/** True for a resource type the static checks report (empty or templated); API-state checks skip those. */
export function isUncheckableResourceType(resourceType: string): boolean {
  return resourceType === '' || isTemplated(resourceType);
}

// Static checks of policy templates that need no CEL: required and exclusive names, literal names and keys
// that must be valid Kubernetes names, and GitOps tracking keys that generated objects must not carry.
// Values containing `{{` are left to the policy layer, which parses and type-checks the CEL inside.
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

function keyErrors(map: Record<string, string> | undefined, path: string, checkValue: boolean): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(map ?? {})) {
    const p = `${path}[${key}]`;
    const tracking = gitOpsTrackingKeyProblem(key);
    if (tracking !== undefined) {
      errors.push(forbidden(p, tracking));
      continue;
    }
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem !== undefined) errors.push(invalid(p, keyProblem));
    if (checkValue) errors.push(...literal(value, p, labelValueProblem));
  }
  return errors;
}

export interface MetadataRules {
  /** Grants need a deterministic name (Milo); claims may use generateName instead. */
  readonly nameRequired: boolean;
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
      required(child(path, 'name'), 'name is required, e.g. "auto-grant-{{trigger.metadata.name}}"'),
    );
  }
  if (hasName && hasGenerateName) {
    errors.push(
      invalid(child(path, 'generateName'), 'metadata.name and metadata.generateName are mutually exclusive'),
    );
  }
  errors.push(...literal(m.name, child(path, 'name'), dnsSubdomainProblem));
  errors.push(...literal(m.generateName, child(path, 'generateName'), generateNameProblem));
  errors.push(...literal(m.namespace, child(path, 'namespace'), dnsLabelProblem));
  errors.push(...keyErrors(m.labels, child(path, 'labels'), true));
  errors.push(...keyErrors(m.annotations, child(path, 'annotations'), false));
  return errors;
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

// Kubernetes name rules (apimachinery's IsDNS1123Subdomain, IsDNS1123Label, IsQualifiedName,
// IsValidLabelValue) and the other per-field rules of generated objects. Each returns a message saying what
// is wrong and what is allowed, or undefined when the value is valid. The validators apply them to literal
// template fields; src/policy applies the same functions to rendered values.
import { isGitOpsTrackingKey } from '../labels.ts';
import { DNS_SUBDOMAIN, KIND_PATTERN, MAX_KIND_LENGTH } from '../schema/patterns.ts';

export type NameRule = (value: string) => string | undefined;

const SUBDOMAIN = new RegExp(`^${DNS_SUBDOMAIN}$`);
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const KIND = new RegExp(KIND_PATTERN);
/** Exactly two `{` open a template expression; a run of three or more is literal text (SPEC §5). */
const EXPRESSION_OPENER = /(?<!\{)\{\{(?!\{)/;

const show = (value: string): string => JSON.stringify(value);

/** Object names such as grants and claims: DNS-1123 subdomain, at most 253 characters. */
export const dnsSubdomainProblem: NameRule = (value) => {
  if (value.length > 253) return `${show(value)} is longer than 253 characters`;
  if (!SUBDOMAIN.test(value)) {
    return (
      `${show(value)} is not a valid DNS-1123 subdomain: use lower case letters, digits, '-' and '.', ` +
      'starting and ending with a letter or digit (e.g. example-name)'
    );
  }
  return undefined;
};

/** Namespace names: DNS-1123 label, at most 63 characters, no dots. */
export const dnsLabelProblem: NameRule = (value) => {
  if (value.length > 63) return `${show(value)} is longer than 63 characters`;
  if (!LABEL.test(value)) {
    return (
      `${show(value)} is not a valid DNS-1123 label: use lower case letters, digits and '-', ` +
      'starting and ending with a letter or digit (e.g. my-namespace)'
    );
  }
  return undefined;
};

/** Milo's generateName rule: a prefix ending in '-', the part before it a DNS-1123 subdomain. */
export const generateNameProblem: NameRule = (value) => {
  if (!value.endsWith('-')) return `generateName must end with '-' (got ${show(value)}), e.g. "${value}-"`;
  const prefix = value.slice(0, -1);
  if (prefix === '') return "generateName needs a prefix before the trailing '-'";
  return dnsSubdomainProblem(prefix);
};

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export const qualifiedNameProblem: NameRule = (key) => {
  const parts = key.split('/');
  if (parts.length > 2) return `${show(key)} has more than one '/': keys are [prefix/]name`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0] ?? ''];
  if (prefix !== undefined) {
    if (prefix === '') return `${show(key)} has an empty prefix before '/'`;
    const problem = dnsSubdomainProblem(prefix);
    if (problem !== undefined) return `the prefix of ${show(key)} is invalid: ${problem}`;
  }
  if (name === undefined || name === '') return `${show(key)} has an empty name`;
  if (name.length > 63) return `the name part of ${show(key)} is longer than 63 characters`;
  if (!NAME_PART.test(name)) {
    return (
      `${show(key)} is not a valid qualified name: use letters, digits, '-', '_' and '.', ` +
      'starting and ending with a letter or digit, optionally prefixed by a DNS subdomain and "/"'
    );
  }
  return undefined;
};

/** Label values: at most 63 characters of alphanumerics, '-', '_' and '.', or empty. */
export const labelValueProblem: NameRule = (value) => {
  if (value.length > 63) return `label value ${show(value)} is longer than 63 characters`;
  if (!LABEL_VALUE.test(value)) {
    return (
      `label value ${show(value)} is invalid: use letters, digits, '-', '_' and '.', starting and ending ` +
      'with a letter or digit, or leave it empty'
    );
  }
  return undefined;
};

/** API group of a consumer: empty (core group) or a DNS-1123 subdomain. */
export const apiGroupProblem: NameRule = (value) => (value === '' ? undefined : dnsSubdomainProblem(value));

/** A kind: UpperCamelCase letters and digits, at most 63 characters. */
export const kindProblem: NameRule = (value) => {
  if (value.length > MAX_KIND_LENGTH)
    return `kind ${show(value)} is longer than ${MAX_KIND_LENGTH} characters`;
  if (!KIND.test(value)) {
    return `kind ${show(value)} must start with an upper case letter followed by letters or digits (e.g. Organization)`;
  }
  return undefined;
};

/** Anything goes (annotation values). */
export const anyTextProblem: NameRule = () => undefined;

/**
 * Keys GitOps tools use to track what they own. A generated grant or claim carrying one would be adopted by
 * Argo CD as part of the policy's application and pruned or reported out of sync, so templates may not set them.
 */
export const gitOpsTrackingKeyProblem: NameRule = (key) => {
  if (!isGitOpsTrackingKey(key)) return undefined;
  return (
    `${show(key)} is a GitOps tracking key: Argo CD would treat the generated object as part of its ` +
    'application (and prune it); remove it from the template'
  );
};

/**
 * True when the text opens a `{{ }}` expression (exactly two braces, as the policy layer's splitter reads
 * it): such values are parsed and type-checked by src/policy, and only literal values get the rules above.
 * An unmatched `{{` counts as templated, so the splitter reports it rather than a name rule.
 */
export function isTemplated(value: string): boolean {
  return EXPRESSION_OPENER.test(value);
}

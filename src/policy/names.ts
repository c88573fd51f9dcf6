/**
 * Kubernetes naming rules (apimachinery `validation.IsDNS1123Subdomain`, `IsDNS1123Label`, `IsQualifiedName`,
 * `IsValidLabelValue`) applied to literal template fields at validation time and to rendered values at render
 * time. Each rule returns a message saying what is wrong and what is allowed, or undefined when valid.
 */
export type NameRule = (value: string) => string | undefined;

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const DNS_LABEL = new RegExp(`^${LABEL}$`);
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const KIND = /^[A-Z][a-zA-Z0-9]*$/;

const show = (value: string): string => JSON.stringify(value);

export const dnsSubdomain: NameRule = (value) => {
  if (value.length > 253) return `${show(value)} is longer than 253 characters`;
  if (!SUBDOMAIN.test(value)) {
    return (
      `${show(value)} is not a valid DNS-1123 subdomain: use lower case letters, digits, '-' and '.', ` +
      'starting and ending with a letter or digit (e.g. example-name)'
    );
  }
  return undefined;
};

export const dnsLabel: NameRule = (value) => {
  if (value.length > 63) return `${show(value)} is longer than 63 characters`;
  if (!DNS_LABEL.test(value)) {
    return (
      `${show(value)} is not a valid DNS-1123 label: use lower case letters, digits and '-', ` +
      'starting and ending with a letter or digit (e.g. my-namespace)'
    );
  }
  return undefined;
};

/** Milo's generateName rule: a literal prefix ending in '-', the part before it a DNS-1123 subdomain. */
export const generateName: NameRule = (value) => {
  if (!value.endsWith('-')) return `generateName must end with '-' (got ${show(value)})`;
  const prefix = value.slice(0, -1);
  if (prefix === '') return "generateName needs a prefix before the trailing '-'";
  return dnsSubdomain(prefix);
};

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export const qualifiedName: NameRule = (value) => {
  const parts = value.split('/');
  if (parts.length > 2) return `${show(value)} has more than one '/': keys are [prefix/]name`;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0] ?? ''];
  if (prefix !== undefined) {
    if (prefix === '') return `${show(value)} has an empty prefix before '/'`;
    const problem = dnsSubdomain(prefix);
    if (problem !== undefined) return `the prefix of ${show(value)} is invalid: ${problem}`;
  }
  if (name === undefined || name === '') return `${show(value)} has an empty name`;
  if (name.length > 63) return `the name part of ${show(value)} is longer than 63 characters`;
  if (!QUALIFIED_NAME.test(name)) {
    return (
      `${show(value)} is not a valid qualified name: use letters, digits, '-', '_' and '.', ` +
      'starting and ending with a letter or digit, optionally prefixed by a DNS subdomain and "/"'
    );
  }
  return undefined;
};

export const labelValue: NameRule = (value) => {
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
export const apiGroup: NameRule = (value) => (value === '' ? undefined : dnsSubdomain(value));

export const kindName: NameRule = (value) => {
  if (value.length > 63) return `kind ${show(value)} is longer than 63 characters`;
  if (!KIND.test(value))
    return `kind ${show(value)} must start with an upper case letter followed by letters or digits`;
  return undefined;
};

/** Anything goes (annotation values). */
export const anyText: NameRule = () => undefined;

/**
 * Keys GitOps tools use to track what they own. A generated grant or claim carrying one would be adopted by
 * Argo CD as part of the policy's application and pruned or reported out of sync, so templates may not set them.
 */
export function trackingKeyProblem(key: string): string | undefined {
  if (key === 'app.kubernetes.io/instance' || key.startsWith('argocd.argoproj.io/')) {
    return (
      `${show(key)} is a GitOps tracking key: Argo CD would treat the generated object as part of its ` +
      'application (and prune it); remove it from the template'
    );
  }
  return undefined;
}

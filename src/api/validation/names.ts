// Kubernetes name rules (apimachinery's validation package), returning a problem description or undefined.
import { DNS_SUBDOMAIN } from '../schema/patterns.ts';

const SUBDOMAIN = new RegExp(`^${DNS_SUBDOMAIN}$`);
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Object names such as grants and claims: lowercase DNS-1123 subdomain, at most 253 characters. */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return `must be no more than 253 characters, got ${value.length}`;
  if (!SUBDOMAIN.test(value)) {
    return `"${value}" is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Namespace names: DNS-1123 label, at most 63 characters, no dots. */
export function dnsLabelProblem(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters, got ${value.length}`;
  if (!LABEL.test(value)) {
    return `"${value}" is not a valid namespace name: use lowercase letters, digits and '-', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Label and annotation keys: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `"${key}" is not a valid key: at most one '/' separates prefix and name`;
  const [prefix, name] = parts.length === 2 ? [parts[0] ?? '', parts[1] ?? ''] : ['', parts[0] ?? ''];
  if (parts.length === 2 && (prefix === '' || dnsSubdomainProblem(prefix) !== undefined)) {
    return `"${key}" is not a valid key: the prefix must be a DNS subdomain such as example.com`;
  }
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    return `"${key}" is not a valid key: the name part must be 1-63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** Label values: at most 63 characters of alphanumerics, '-', '_' and '.', or empty. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters, got ${value.length}`;
  if (!LABEL_VALUE.test(value)) {
    return `"${value}" is not a valid label value: use alphanumerics, '-', '_' and '.', starting and ending with an alphanumeric`;
  }
  return undefined;
}

/** True when the string contains a `{{ }}` template segment, which only the policy layer can check. */
export function isTemplated(value: string): boolean {
  return value.includes('{{');
}

// The consumer "from the request context" (Milo 696c4c7e), on plain Kubernetes. Milo's multi-tenant apiserver
// knows which Project or Organization control plane a request came through, and a ClaimCreationPolicy template
// without consumerRef charges that. A single cluster has no such context; the analogue here is the labels of
// the namespace the request is in, mapped to consumer kinds by `--context-consumer-labels` (first label
// present wins, as Milo's Project wins over its Organization). Namespaces are cluster-scoped: the shipped
// tenant roles (namespace edit/admin) cannot change their labels, so a tenant cannot choose whom it charges.
// A cluster-scoped trigger has no namespace: its consumer comes from the namespace its claim is placed in
// (the template's, else --cluster-scoped-claim-namespace), which only the policy author and cluster admins set.
import type { ConsumerRef } from '../../api/index.ts';
import { isNotFound, type KubeClient, type KubeObject, type ResourceRef } from '../../runtime/index.ts';

/** One `<namespace label>=<apiGroup>/<Kind>` entry of --context-consumer-labels. */
export interface ContextConsumerRule {
  readonly label: string;
  readonly apiGroup: string;
  readonly kind: string;
}

/** Milo's two contexts, Project first: the labels Milo itself puts on a project's and an organization's namespaces. */
export const DEFAULT_CONTEXT_CONSUMER_LABELS =
  'resourcemanager.miloapis.com/project-name=resourcemanager.miloapis.com/Project,' +
  'resourcemanager.miloapis.com/organization-name=resourcemanager.miloapis.com/Organization';

const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const API_GROUP = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
const CONSUMER_NAME = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parses --context-consumer-labels. Returns the rules, or the problem with the first bad entry (the caller
 * names the flag). An empty value turns context consumers off.
 */
export function parseContextConsumerRules(value: string): ContextConsumerRule[] | string {
  const rules: ContextConsumerRule[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const slash = entry.lastIndexOf('/');
    const shape = `"${entry}" is not <namespace label>=<apiGroup>/<Kind>, e.g. ${DEFAULT_CONTEXT_CONSUMER_LABELS.split(',')[1]}`;
    if (eq <= 0 || slash < eq) return shape;
    const label = entry.slice(0, eq);
    const apiGroup = entry.slice(eq + 1, slash);
    const kind = entry.slice(slash + 1);
    if (!LABEL_KEY.test(label) || label.length > 317)
      return `"${label}" in "${entry}" is not a label key ([prefix/]name)`;
    if (apiGroup !== '' && !API_GROUP.test(apiGroup))
      return `"${apiGroup}" in "${entry}" is not an API group (lowercase DNS name; empty for the core group)`;
    if (!KIND.test(kind)) return `"${kind}" in "${entry}" is not a kind (CamelCase, e.g. Organization)`;
    if (rules.some((r) => r.label === label)) return `label "${label}" is listed twice`;
    rules.push({ label, apiGroup, kind });
  }
  return rules;
}

export type ContextConsumer =
  | { readonly ok: true; readonly consumer: ConsumerRef }
  | { readonly ok: false; readonly problem: string };

/** Reads a namespace's labels; undefined when the namespace does not exist. */
export type NamespaceLabels = (
  name: string,
  signal: AbortSignal,
) => Promise<Readonly<Record<string, string>> | undefined>;

const NAMESPACES: ResourceRef = { group: '', version: 'v1', plural: 'namespaces', namespaced: false };

/** Live reads through the operator's client (needs `get` on namespaces), so a label set a moment ago counts. */
export function namespaceLabelsFrom(client: KubeClient): NamespaceLabels {
  return async (name, signal) => {
    try {
      const ns = await client.get<KubeObject>(NAMESPACES, '', name, signal);
      return ns.metadata?.labels ?? {};
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
}

/** Whose labels name the context consumer, for messages: a namespace's (default), or a member cluster's. */
export interface ContextSubject {
  /** e.g. `namespace team-a`, `member cluster p1`. */
  readonly what: string;
  /** How an administrator maps it, given the first rule's label and kind. */
  readonly fix: (label: string, kind: string) => string;
}

const namespaceSubject = (namespace: string): ContextSubject => ({
  what: `namespace ${namespace}`,
  fix: (label, kind) => `\`kubectl label namespace ${namespace} ${label}=<${kind} name>\``,
});

/** The consumer a namespace's labels name, or why there is none (with what to set). */
export async function contextConsumer(
  rules: readonly ContextConsumerRule[],
  labelsOf: NamespaceLabels,
  namespace: string,
  signal: AbortSignal,
  subject: ContextSubject = namespaceSubject(namespace),
): Promise<ContextConsumer> {
  if (rules.length === 0) {
    return {
      ok: false,
      problem:
        'consumers from the request context are turned off (--context-consumer-labels is empty); the policy ' +
        'must name spec.target.resourceClaimTemplate.spec.consumerRef',
    };
  }
  const labels = await labelsOf(namespace, signal);
  if (labels === undefined) return { ok: false, problem: `${subject.what} does not exist` };
  for (const rule of rules) {
    const name = labels[rule.label];
    if (name === undefined || name === '') continue;
    if (!CONSUMER_NAME.test(name)) {
      return {
        ok: false,
        problem: `${subject.what}'s label ${rule.label}="${name}" is not a valid ${rule.kind} name (DNS subdomain); a cluster administrator must correct it`,
      };
    }
    return {
      ok: true,
      consumer: { ...(rule.apiGroup === '' ? {} : { apiGroup: rule.apiGroup }), kind: rule.kind, name },
    };
  }
  const [first] = rules;
  return {
    ok: false,
    problem:
      `${subject.what} is not mapped to a consumer: it has none of the labels ${rules.map((r) => r.label).join(', ')}. ` +
      `A cluster administrator maps it, e.g. ${subject.fix(first?.label ?? '<label>', first?.kind ?? 'consumer')}, ` +
      'or the policy names spec.target.resourceClaimTemplate.spec.consumerRef',
  };
}

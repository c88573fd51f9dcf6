// Enforcement for member clusters (docs/multicluster.md, "Enforcement in members"): each registered member's
// apiserver calls `/members/<name>/enforce`; only that member's client certificate passes (member-caller.ts).
// The review is enforced as a local one, with three differences: the consumer context comes from the member's
// registration labels (not a namespace's), the claim goes to the member's claim namespace in the quota cluster,
// labelled with the member and the claimed object's resource so the member-claims controller can watch it, and
// Milo's parent extras describe the member's context to templates. The requester is a member's user, whom
// the quota cluster's RBAC does not know: --authorize-trigger-consumer does not apply to member paths.
import {
  ANNOTATION_MEMBER_RESOURCE,
  type ConsumerRef,
  LABEL_MEMBER_CLUSTER,
  type MemberCluster,
  type ResourceClaim,
} from '../../api/index.ts';
import { type Member, type MemberRegistry, readMemberObject } from '../../cache/index.ts';
import type { AdmissionHandler, AdmissionRequest, ScopedCallers, ScopedRoute } from '../../webhook/index.ts';
import { type ContextConsumerRule, type ContextSubject, contextConsumer } from './context-consumer.ts';
import { type EnforcementOptions, enforcementHandler } from './enforce.ts';

import { memberCallerProblem } from './member-caller.ts';

/** The path a member's apiserver calls, and its metrics label. */
export const memberWebhookPath = (name: string): string => `/members/${name}/enforce`;
const ROUTE_LABEL = '/members/{name}/enforce';
const PATH = /^\/members\/([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)\/enforce$/;

/** Milo's user extras for the request's project or organization context (iam.miloapis.com/parent-*). */
export const PARENT_EXTRAS = {
  apiGroup: 'iam.miloapis.com/parent-api-group',
  kind: 'iam.miloapis.com/parent-type',
  name: 'iam.miloapis.com/parent-name',
} as const;

/** The claim as the quota cluster stores it for a member's request. */
export function placeMemberClaim(
  cluster: MemberCluster,
  claim: ResourceClaim,
  request: AdmissionRequest,
): ResourceClaim {
  const { version, resource } = request.resource;
  return {
    ...claim,
    metadata: {
      ...claim.metadata,
      namespace: cluster.claimNamespace,
      labels: { ...claim.metadata.labels, [LABEL_MEMBER_CLUSTER]: cluster.name },
      annotations: { ...claim.metadata.annotations, [ANNOTATION_MEMBER_RESOURCE]: `${version}/${resource}` },
    },
  };
}

/**
 * The request as templates see it (`user`): Milo's parent extras name the member's context consumer, and each
 * context label of the member (`--context-consumer-labels` keys, e.g. resourcemanager.miloapis.com/
 * organization-name) is an extra of the same key, so a policy can charge another level of the context:
 * `{{user.extra["resourcemanager.miloapis.com/organization-name"][0]}}`. These keys are the operator's to set:
 * whatever the member's apiserver sent under them is replaced.
 */
export function withContextExtras(
  request: AdmissionRequest,
  consumer: ConsumerRef | undefined,
  contextLabels: Readonly<Record<string, string | undefined>>,
): AdmissionRequest {
  const extra: Record<string, readonly string[]> = { ...request.userInfo.extra };
  for (const key of Object.values(PARENT_EXTRAS)) delete extra[key];
  for (const [key, value] of Object.entries(contextLabels)) {
    delete extra[key];
    if (value !== undefined && value !== '') extra[key] = [value];
  }
  if (consumer !== undefined) {
    extra[PARENT_EXTRAS.apiGroup] = [consumer.apiGroup ?? ''];
    extra[PARENT_EXTRAS.kind] = [consumer.kind];
    extra[PARENT_EXTRAS.name] = [consumer.name];
  }
  return { ...request, userInfo: { ...request.userInfo, extra } };
}

/** Every context label (the keys of `rules`) with the member's value, undefined where it has none. */
function contextLabelsOf(
  labels: Readonly<Record<string, string>>,
  rules: readonly ContextConsumerRule[],
): Record<string, string | undefined> {
  return Object.fromEntries(rules.map((r) => [r.label, labels[r.label]]));
}

/** The enforcement handler for one member, built from the local one's options. */
export function memberEnforcementHandler(
  base: EnforcementOptions,
  member: Member,
  rules: readonly ContextConsumerRule[],
): AdmissionHandler {
  const { chargeRefusal: _notForMembers, ...shared } = base;
  const labelsOf = async () => member.cluster.labels;
  const subject: ContextSubject = {
    what: `member cluster ${member.cluster.name}`,
    fix: (label, kind) => `a label ${label}=<${kind} name> on its member Secret`,
  };
  const handler = enforcementHandler({
    ...shared,
    contextConsumers: { rules, labelsOf, subject },
    findObject: (claim, signal) => readMemberObject(member, claim, signal),
    placeClaim: (claim, request) => placeMemberClaim(member.cluster, claim, request),
  });
  return async (request, signal) => {
    const context = await contextConsumer(rules, labelsOf, '', signal, subject);
    const consumer = context.ok ? context.consumer : undefined;
    return handler(
      withContextExtras(request, consumer, contextLabelsOf(member.cluster.labels, rules)),
      signal,
    );
  };
}

/**
 * The member paths as the webhook server's scoped callers: every registered member's webhook client CA joins
 * the handshake, and `/members/<name>/enforce` serves that member's apiserver only.
 */
export function memberCallers(
  registry: MemberRegistry,
  base: EnforcementOptions,
  rules: readonly ContextConsumerRule[],
): ScopedCallers {
  const handlers = new Map<string, { readonly member: Member; readonly handler: AdmissionHandler }>();
  const handlerFor = (member: Member): AdmissionHandler => {
    const known = handlers.get(member.cluster.name);
    if (known?.member === member) return known.handler;
    const handler = memberEnforcementHandler(base, member, rules);
    handlers.set(member.cluster.name, { member, handler });
    return handler;
  };
  return {
    description: ROUTE_LABEL,
    cas: () => registry.list().flatMap((m) => (m.cluster.webhookClientCa ? [m.cluster.webhookClientCa] : [])),
    onChange: (listener) =>
      registry.onChange((name) => {
        handlers.delete(name);
        listener();
      }),
    route: (path): ScopedRoute | undefined => {
      const name = PATH.exec(path)?.[1];
      const member = name === undefined ? undefined : registry.get(name);
      if (member === undefined) return undefined;
      return {
        webhook: ROUTE_LABEL,
        handler: handlerFor(member),
        authorize: (chain) => memberCallerProblem(member.cluster, chain),
      };
    },
  };
}

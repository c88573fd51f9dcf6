// `--parent-context=members` (docs/multicluster.md): which registered member stands for a GrantCreationPolicy's
// parent context. Pure: the engine and the status controller hand in the evaluated name and the members'
// Secret labels. A member stands for the consumer its claims are charged to: the first of the
// --context-consumer-labels present on its Secret (Project before Organization), as a namespace does on one
// cluster. A context resolves when exactly one member stands for it.
import type { ContextConsumerRule } from '../../admission/enforce/context-consumer.ts';
import { LABEL_MEMBER } from '../../api/index.ts';
import {
  bindVariables,
  type CompiledExpression,
  evaluateExpression,
  type JsonObject,
} from '../../policy/index.ts';
import type { KubeObject } from '../../runtime/index.ts';

/** The parent context a trigger asks for: `spec.target.parentContext` with its name evaluated. */
export interface ParentContextRef {
  readonly apiGroup: string;
  readonly kind: string;
  readonly name: string;
}

/** What the matching reads of a registered member. */
export interface MemberContext {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type ParentResolution =
  | { readonly ok: true; readonly context: ParentContextRef; readonly member: string }
  | { readonly ok: false; readonly context?: ParentContextRef; readonly message: string };

/** Resolves one policy's parent context for a trigger (its compiled nameExpression is `parentName`). */
export type ParentResolver = (
  compiled: { readonly parentName?: CompiledExpression<'GrantCreationPolicy'> | undefined },
  trigger: KubeObject,
) => ParentResolution;

/** `apiGroup/Kind name`, as messages show a context. */
export const describeContext = (c: ParentContextRef): string =>
  `${c.apiGroup === '' ? '' : `${c.apiGroup}/`}${c.kind} ${c.name}`;

/** The context a member stands for: its first present --context-consumer-labels label, or none. */
export function memberStandsFor(
  member: MemberContext,
  rules: readonly ContextConsumerRule[],
): ParentContextRef | undefined {
  for (const rule of rules) {
    const name = member.labels[rule.label];
    if (name !== undefined && name !== '') return { apiGroup: rule.apiGroup, kind: rule.kind, name };
  }
  return undefined;
}

/** The member that stands for `context`, or a message naming the context and what to register. */
export function matchMember(
  context: ParentContextRef,
  members: readonly MemberContext[],
  rules: readonly ContextConsumerRule[],
): ParentResolution {
  const matches = members
    .filter((m) => {
      const standsFor = memberStandsFor(m, rules);
      return (
        standsFor !== undefined &&
        standsFor.apiGroup === context.apiGroup &&
        standsFor.kind === context.kind &&
        standsFor.name === context.name
      );
    })
    .map((m) => m.name)
    .sort();
  const [member, ...others] = matches;
  if (member !== undefined && others.length === 0) return { ok: true, context, member };
  const what = describeContext(context);
  if (member !== undefined) {
    return {
      ok: false,
      context,
      message: `parent context ${what} is claimed by members ${matches.join(', ')}: one member stands for one context; remove the label from all but one member Secret`,
    };
  }
  const rule = rules.find((r) => r.apiGroup === context.apiGroup && r.kind === context.kind);
  if (rule === undefined) {
    const known = rules.map((r) => `${r.apiGroup}/${r.kind}`).join(', ');
    return {
      ok: false,
      context,
      message: `parent context ${what} cannot name a member: --context-consumer-labels maps no label to ${context.apiGroup}/${context.kind} (it maps ${known === '' ? 'none' : known}); add <label>=${context.apiGroup}/${context.kind} to the flag, or change spec.target.parentContext`,
    };
  }
  const earlier = rules.slice(0, rules.indexOf(rule)).map((r) => r.label);
  const unless = earlier.length === 0 ? '' : ` and none of ${earlier.join(', ')}`;
  return {
    ok: false,
    context,
    message: `parent context ${what} is not a registered member: register a member Secret with labels ${LABEL_MEMBER}=true and ${rule.label}=${context.name}${unless} (docs/multicluster.md)`,
  };
}

/** Evaluates `nameExpression` with `trigger` bound and matches the result; every failure is a message. */
export function resolveParentContext(
  parentContext: { readonly apiGroup: string; readonly kind: string },
  nameExpression: CompiledExpression<'GrantCreationPolicy'>,
  trigger: KubeObject,
  members: readonly MemberContext[],
  rules: readonly ContextConsumerRule[],
): ParentResolution {
  const kind = `${parentContext.apiGroup}/${parentContext.kind}`;
  let value: unknown;
  try {
    value = evaluateExpression(
      nameExpression,
      bindVariables('GrantCreationPolicy', { trigger: trigger as JsonObject }),
    );
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      message: `parent context ${kind}: spec.target.parentContext.nameExpression failed for this trigger (${detail}); fix the expression`,
    };
  }
  if (typeof value !== 'string' || value === '') {
    return {
      ok: false,
      message: `parent context ${kind}: spec.target.parentContext.nameExpression returned ${typeof value === 'string' ? 'an empty string' : `a ${typeof value}`} for this trigger; it must name the ${parentContext.kind}`,
    };
  }
  return matchMember({ ...parentContext, name: value }, members, rules);
}

/** Where the engine and the status controller get parent contexts from (wired by setupGrantPolicyControllers). */
export interface ParentContexts {
  /** The resolver for one policy's triggers; undefined when the policy has no parentContext. */
  resolverFor(policy: {
    readonly spec: { readonly target: { readonly parentContext?: { apiGroup: string; kind: string } } };
  }): ParentResolver | undefined;
  /** Called whenever the registered members change. */
  onChange(listener: () => void): void;
  /** False until the registry has read every member Secret once (a missing member may just be unread). */
  synced(): boolean;
}

/** ParentContexts over the member registry's current members. */
export function parentContextsFrom(
  registry: {
    list(): readonly { readonly cluster: MemberContext }[];
    onChange(listener: (name: string) => void): unknown;
    hasSynced?(): boolean;
  },
  rules: readonly ContextConsumerRule[],
): ParentContexts {
  return {
    resolverFor: (policy) => {
      const parent = policy.spec.target.parentContext;
      if (parent === undefined) return undefined;
      return (compiled, trigger) => {
        const members = registry.list().map((m) => m.cluster);
        if (compiled.parentName === undefined) {
          return { ok: false, message: 'spec.target.parentContext.nameExpression is not compiled' };
        }
        return resolveParentContext(parent, compiled.parentName, trigger, members, rules);
      };
    },
    onChange: (listener) => {
      registry.onChange(() => listener());
    },
    synced: () => registry.hasSynced?.() ?? true,
  };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContextConsumerRules } from '../../admission/enforce/context-consumer.ts';
import {
  type GrantCreationPolicy,
  LABEL_MEMBER_CLUSTER,
  LABEL_TRIGGER_UID,
  type ResourceGrant,
} from '../../api/index.ts';
import { makeGrantPolicy, projectParentContext } from '../../api/testing.ts';
import type { KubeObject } from '../../runtime/index.ts';
import { evaluatePolicy } from './desired-grant.ts';
import {
  type MemberContext,
  matchMember,
  memberStandsFor,
  parentContextsFrom,
  resolveParentContext,
} from './parent-context.ts';
import { planTrigger } from './plan.ts';
import { compiledPolicy, ORGS } from './testing.ts';

const RULES = (() => {
  const rules = parseContextConsumerRules(
    'resourcemanager.miloapis.com/project-name=resourcemanager.miloapis.com/Project,' +
      'resourcemanager.miloapis.com/organization-name=resourcemanager.miloapis.com/Organization',
  );
  assert.ok(typeof rules !== 'string', String(rules));
  return rules;
})();
const PROJECT = 'resourcemanager.miloapis.com/project-name';
const ORG = 'resourcemanager.miloapis.com/organization-name';
const projectCtx = (name: string) => ({ apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name });
const member = (name: string, labels: Record<string, string>): MemberContext => ({ name, labels });
const acme: KubeObject = {
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Organization',
  metadata: { name: 'acme', uid: 'uid-acme', labels: { project: 'p1' } },
  spec: { type: 'Standard' },
};

/** makeGrantPolicy with parentContext Project `nameExpression`, compiled. */
function withParent(nameExpression: string) {
  const policy: GrantCreationPolicy = makeGrantPolicy();
  policy.spec.target.parentContext = projectParentContext(nameExpression);
  return { policy, compiled: compiledPolicy(policy, 'members') };
}

describe('memberStandsFor', () => {
  it('is the first --context-consumer-labels label present on the member Secret, as for a namespace', () => {
    assert.deepEqual(
      memberStandsFor(member('p1', { [ORG]: 'acme', [PROJECT]: 'p1' }), RULES),
      projectCtx('p1'),
    );
    assert.deepEqual(memberStandsFor(member('acme', { [ORG]: 'acme' }), RULES), {
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
      name: 'acme',
    });
    assert.equal(memberStandsFor(member('x', { other: 'p1', [PROJECT]: '' }), RULES), undefined);
  });
});

describe('matchMember', () => {
  const members = [member('m-p2', { [PROJECT]: 'p2' }), member('m-p1', { [PROJECT]: 'p1', [ORG]: 'acme' })];
  /** Why no member stands for `context` (the test fails when one does). */
  const refusalOf = (context: Parameters<typeof matchMember>[0], among = members) => {
    const result = matchMember(context, among, RULES);
    assert.equal(result.ok, false);
    return result.ok ? '' : result.message;
  };

  it('resolves to the one member that stands for the context', () => {
    assert.deepEqual(matchMember(projectCtx('p1'), members, RULES), {
      ok: true,
      context: projectCtx('p1'),
      member: 'm-p1',
    });
  });

  it('does not resolve a context a member only mentions in a later label (p1 stands for its Project, not acme)', () => {
    const org = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' };
    assert.match(
      refusalOf(org),
      /Organization acme is not a registered member: register a member Secret with labels quota\.miloapis\.com\/member=true and resourcemanager\.miloapis\.com\/organization-name=acme and none of resourcemanager\.miloapis\.com\/project-name/,
    );
  });

  it('names the label to register when no member stands for it', () => {
    assert.match(
      refusalOf(projectCtx('p3')),
      /^parent context resourcemanager\.miloapis\.com\/Project p3 is not a registered member: register a member Secret with labels quota\.miloapis\.com\/member=true and resourcemanager\.miloapis\.com\/project-name=p3 \(/,
    );
  });

  it('refuses a context two members claim, naming both', () => {
    const twice = [...members, member('m-p1-again', { [PROJECT]: 'p1' })];
    assert.match(
      refusalOf(projectCtx('p1'), twice),
      /claimed by members m-p1, m-p1-again: one member stands for one context/,
    );
  });

  it('names the flag when no label maps to the kind or group', () => {
    const wrongGroup = { apiGroup: 'example.com', kind: 'Project', name: 'p1' };
    assert.match(
      refusalOf(wrongGroup),
      /--context-consumer-labels maps no label to example\.com\/Project .*add <label>=example\.com\/Project to the flag/,
    );
  });
});

describe('resolveParentContext', () => {
  const members = [member('m-p1', { [PROJECT]: 'p1' })];
  const parent = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' };

  it('evaluates nameExpression with trigger bound and matches the result', () => {
    const { compiled } = withParent('trigger.metadata.labels["project"]');
    assert.ok(compiled.parentName);
    const result = resolveParentContext(parent, compiled.parentName, acme, members, RULES);
    assert.deepEqual(result, { ok: true, context: projectCtx('p1'), member: 'm-p1' });
  });

  it('reports an expression error and an empty name, naming the field', () => {
    const refusal = (nameExpression: string) => {
      const name = withParent(nameExpression).compiled.parentName;
      assert.ok(name);
      const resolved = resolveParentContext(parent, name, acme, members, RULES);
      return resolved.ok ? assert.fail('resolved') : resolved.message;
    };
    assert.match(
      refusal('trigger.metadata.labels["absent"]'),
      /spec\.target\.parentContext\.nameExpression failed for this trigger/,
    );
    assert.match(refusal('""'), /nameExpression returned an empty string .*must name the Project/);
  });
});

describe('evaluatePolicy with a parent resolver', () => {
  const registry = (members: MemberContext[]) => ({
    list: () => members.map((cluster) => ({ cluster })),
    onChange: () => () => {},
  });

  it('labels the grant with the member and sets no ownerReference', () => {
    const { policy, compiled } = withParent('trigger.metadata.labels["project"]');
    const resolve = parentContextsFrom(registry([member('m-p1', { [PROJECT]: 'p1' })]), RULES).resolverFor(
      policy,
    );
    const outcome = evaluatePolicy('standard-tier', compiled, acme, ORGS, resolve);
    assert.equal(outcome.kind, 'want');
    const grant = outcome.kind === 'want' ? outcome.grant : undefined;
    assert.equal(grant?.metadata.labels?.[LABEL_MEMBER_CLUSTER], 'm-p1');
    assert.equal(grant?.metadata.labels?.[LABEL_TRIGGER_UID], 'uid-acme');
    assert.equal(grant?.metadata.ownerReferences, undefined);
    // without the resolver (this-cluster) the same trigger's grant is owned, and not labelled
    const local = evaluatePolicy('standard-tier', compiled, acme, ORGS);
    assert.equal(local.kind === 'want' && local.grant.metadata.ownerReferences?.[0]?.uid, 'uid-acme');
    assert.equal(local.kind === 'want' && local.grant.metadata.labels?.[LABEL_MEMBER_CLUSTER], undefined);
  });

  it('is unresolved without a member, and a constraint that fails still wins (no grant either way)', () => {
    const { policy, compiled } = withParent('trigger.metadata.labels["project"]');
    const resolve = parentContextsFrom(registry([]), RULES).resolverFor(policy);
    const outcome = evaluatePolicy('standard-tier', compiled, acme, ORGS, resolve);
    assert.equal(outcome.kind, 'unresolved');
    const free = { ...acme, spec: { type: 'Free' } };
    assert.equal(evaluatePolicy('standard-tier', compiled, free, ORGS, resolve).kind, 'none');
  });

  it('is synced only when the registry says so (a missing member may just be unread)', () => {
    assert.equal(parentContextsFrom({ ...registry([]), hasSynced: () => false }, RULES).synced(), false);
    assert.equal(parentContextsFrom({ ...registry([]), hasSynced: () => true }, RULES).synced(), true);
  });

  it('gives no resolver for a policy without parentContext', () => {
    const resolvers = parentContextsFrom(registry([]), RULES);
    assert.equal(resolvers.resolverFor(makeGrantPolicy()), undefined);
  });
});

describe('planTrigger with an unresolved parent context', () => {
  const existing: ResourceGrant = {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceGrant',
    metadata: {
      name: 'standard-acme',
      namespace: 'quota-system',
      labels: { 'quota.miloapis.com/policy': 'standard-tier', [LABEL_TRIGGER_UID]: 'uid-acme' },
    },
    spec: { consumerRef: { kind: 'Organization', name: 'acme' }, allowances: [] },
  };
  const input = {
    trigger: acme,
    policiesOfKind: new Set(['standard-tier']),
    existing: [existing],
    grantAt: () => undefined,
    isLiveTrigger: () => true,
  };

  it('keeps a grant made earlier (a member Secret going, or the registry starting, takes no quota away)', () => {
    const outcomes = [{ kind: 'unresolved' as const, policy: 'standard-tier', why: 'no member' }];
    assert.deepEqual(planTrigger({ ...input, outcomes }), []);
  });

  it('still deletes it when the trigger goes', () => {
    const actions = planTrigger({ ...input, trigger: undefined, outcomes: [] });
    assert.deepEqual(
      actions.map((a) => a.type),
      ['delete'],
    );
  });
});

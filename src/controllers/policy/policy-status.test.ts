import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type GrantCreationPolicy, registrationLookup, statusEqual } from '../../api/index.ts';
import { makeGrantPolicy, makeRegistration, projectParentContext } from '../../api/testing.ts';
import { policyReadiness } from './policy-readiness.ts';
import { membersParentCondition, nextPolicyStatus, readyCondition } from './policy-status.ts';
import type { KindState, WatchedKind } from './trigger-watches.ts';

const NOW = new Date('2025-01-01T00:00:00Z');
const LATER = new Date('2025-01-01T01:00:00Z');
const watching: KindState = { state: 'watching', watched: {} as WatchedKind };
const unavailable: KindState = {
  state: 'unavailable',
  message: 'the operator may not list, watch organizations',
};
const registered = registrationLookup([makeRegistration()]);

function withGeneration(generation: number, edit: (p: GrantCreationPolicy) => void = () => {}) {
  const p = makeGrantPolicy();
  p.metadata.generation = generation;
  edit(p);
  return p;
}

describe('readyCondition', () => {
  it('is True/PolicyReady only when the readiness is ok and the trigger kind is watched', () => {
    const readiness = policyReadiness(withGeneration(1), registered);
    const ready = readyCondition(readiness, watching, 1);
    assert.deepEqual(
      [ready.status, ready.reason, ready.message],
      ['True', 'PolicyReady', 'Policy is ready and active'],
    );
    const blocked = readyCondition(readiness, unavailable, 1);
    assert.deepEqual([blocked.status, blocked.reason], ['False', 'ValidationFailed']);
    assert.equal(blocked.message, unavailable.message);
  });
});

describe('nextPolicyStatus', () => {
  it('advances observedGeneration even when the conditions stay the same', () => {
    const first = withGeneration(1);
    first.status = nextPolicyStatus(first, policyReadiness(first, registered), watching, NOW);
    const second = withGeneration(2);
    second.status = first.status;
    const next = nextPolicyStatus(second, policyReadiness(second, registered), watching, LATER);
    assert.equal(next.observedGeneration, 2);
    const ready = next.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.observedGeneration, 2);
    assert.equal(ready?.lastTransitionTime, '2025-01-01T00:00:00Z', 'no transition: same status');
  });

  it('changes nothing when nothing changed (so no write)', () => {
    const p = withGeneration(3);
    p.status = nextPolicyStatus(p, policyReadiness(p, registered), watching, NOW);
    assert.ok(statusEqual(p.status, nextPolicyStatus(p, policyReadiness(p, registered), watching, LATER)));
  });

  it('with --parent-context=this-cluster: Ready=True and ParentContextReady=True, saying where grants go', () => {
    const remote = withGeneration(1, (p) => {
      p.spec.target.parentContext = projectParentContext('trigger.metadata.name', 'g.io');
    });
    const readiness = policyReadiness(remote, registered, 'this-cluster');
    const status = nextPolicyStatus(remote, readiness, watching, NOW, 'this-cluster');
    const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));
    assert.deepEqual(byType, {
      Ready: ['True', 'PolicyReady'],
      ParentContextReady: ['True', 'ParentContextReady'],
    });
    const parent = status.conditions?.find((c) => c.type === 'ParentContextReady');
    assert.match(parent?.message ?? '', /--parent-context=this-cluster .* grants are created here/);
  });

  it('sets ParentContextReady=False/ParentContextUnsupported while parentContext is set, and removes it after', () => {
    const remote = withGeneration(1, (p) => {
      p.spec.target.parentContext = projectParentContext('trigger.metadata.name', 'g.io');
    });
    const status = nextPolicyStatus(remote, policyReadiness(remote, registered), undefined, NOW);
    const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));
    assert.deepEqual(byType, {
      Ready: ['False', 'ParentContextUnsupported'],
      ParentContextReady: ['False', 'ParentContextUnsupported'],
    });
    const local = withGeneration(2);
    local.status = status;
    const after = nextPolicyStatus(local, policyReadiness(local, registered), watching, LATER);
    assert.deepEqual(
      after.conditions?.map((c) => c.type),
      ['Ready'],
    );
  });

  it("reports PolicyDisabled with Milo's message", () => {
    const p = withGeneration(1, (x) => {
      x.spec.disabled = true;
      x.spec.trigger.constraints = [];
    });
    const ready = nextPolicyStatus(p, policyReadiness(p, registered), undefined, NOW).conditions?.[0];
    assert.deepEqual(
      [ready?.status, ready?.reason, ready?.message],
      ['False', 'PolicyDisabled', 'Policy is disabled'],
    );
  });
});

describe('ParentContextReady with --parent-context=members', () => {
  const remote = () =>
    withGeneration(4, (p) => {
      p.spec.target.parentContext = projectParentContext();
    });
  const notFound = (n: number) => ({
    trigger: `p${n}`,
    message: `parent context resourcemanager.miloapis.com/Project p${n} is not a registered member: register a member Secret with labels ...`,
  });

  it('is True/ParentContextResolved when every matching trigger resolves, and when none matches yet', () => {
    const all = membersParentCondition({ resolved: 2, unresolved: [] }, 4);
    assert.deepEqual([all.status, all.reason, all.observedGeneration], ['True', 'ParentContextResolved', 4]);
    assert.match(all.message, /every matching trigger \(2\)/);
    const none = membersParentCondition({ resolved: 0, unresolved: [] }, 4);
    assert.deepEqual([none.status, none.reason], ['True', 'ParentContextResolved']);
    assert.match(none.message, /no trigger matches yet/);
  });

  it('is False/ParentContextNotFound when one trigger does not resolve, naming it, the context and the fix', () => {
    const one = membersParentCondition({ resolved: 1, unresolved: [notFound(1)] }, 4);
    assert.deepEqual([one.status, one.reason], ['False', 'ParentContextNotFound']);
    assert.match(
      one.message,
      /^1 of 2 matching triggers have no grant yet: trigger p1: parent context .*Project p1 .*register a member Secret/,
    );
  });

  it('names at most three triggers and counts the rest', () => {
    const many = membersParentCondition({ resolved: 0, unresolved: [1, 2, 3, 4, 5].map(notFound) }, 4);
    assert.match(many.message, /trigger p3: .*; and 2 more$/);
    assert.doesNotMatch(many.message, /trigger p4/);
  });

  it('is False when the triggers could not be evaluated, pointing at Ready', () => {
    const c = membersParentCondition(undefined, 4);
    assert.deepEqual([c.status, c.reason], ['False', 'ParentContextNotFound']);
    assert.match(c.message, /see the Ready condition/);
  });

  it('goes into the status next to Ready=True, and Ready does not wait for members', () => {
    const p = remote();
    const readiness = policyReadiness(p, registered, 'members');
    const status = nextPolicyStatus(p, readiness, watching, NOW, 'members', {
      resolved: 0,
      unresolved: [notFound(1)],
    });
    const byType = Object.fromEntries((status.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));
    assert.deepEqual(byType, {
      Ready: ['True', 'PolicyReady'],
      ParentContextReady: ['False', 'ParentContextNotFound'],
    });
  });
});

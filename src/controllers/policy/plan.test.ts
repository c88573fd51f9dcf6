import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceGrant } from '../../api/index.ts';
import type { KubeObject } from '../../runtime/index.ts';
import type { PolicyOutcome } from './desired-grant.ts';
import { type GrantAction, mergeGrant, type PlanInput, planTrigger } from './plan.ts';
import { organizationOwner as owner } from './testing.ts';

const TRIGGER: KubeObject = { metadata: { name: 'acme', uid: 'u1' } };

function grant(name: string, policy: string | undefined, uid: string | undefined, amount = 1): ResourceGrant {
  const labels: Record<string, string> = {};
  if (policy !== undefined) labels['quota.miloapis.com/policy'] = policy;
  if (uid !== undefined) labels['quota.miloapis.com/trigger-uid'] = uid;
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceGrant',
    metadata: {
      name,
      namespace: 'quota-system',
      uid: `grant-${name}`,
      resourceVersion: '7',
      labels,
      ...(uid !== undefined && { ownerReferences: [owner(uid)] }),
    },
    spec: {
      consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
      allowances: [{ resourceType: 'example.com/projects', buckets: [{ amount }] }],
    },
  };
}

const want = (policy: string, name: string, amount = 1): PolicyOutcome => ({
  kind: 'want',
  policy,
  grant: grant(name, policy, 'u1', amount),
});

function plan(overrides: Partial<PlanInput>): GrantAction[] {
  const existing = overrides.existing ?? [];
  return planTrigger({
    trigger: TRIGGER,
    outcomes: [],
    policiesOfKind: new Set(['a', 'b']),
    existing,
    grantAt: (namespace, name) =>
      existing.find((g) => g.metadata.namespace === namespace && g.metadata.name === name),
    isLiveTrigger: (uid) => uid === 'u1',
    ...overrides,
  });
}

const summary = (actions: GrantAction[]) =>
  actions.map((a) => (a.type === 'blocked' ? `blocked:${a.policy}` : `${a.type}:${a.grant.metadata.name}`));

describe('planTrigger', () => {
  it('creates the wanted grant when there is none', () => {
    assert.deepEqual(summary(plan({ outcomes: [want('a', 'a-acme')] })), ['create:a-acme']);
  });

  it('does nothing when the grant is already as wanted', () => {
    assert.deepEqual(plan({ outcomes: [want('a', 'a-acme')], existing: [grant('a-acme', 'a', 'u1')] }), []);
  });

  it('updates a grant whose spec differs', () => {
    const actions = plan({ outcomes: [want('a', 'a-acme', 5)], existing: [grant('a-acme', 'a', 'u1', 1)] });
    assert.deepEqual(summary(actions), ['update:a-acme']);
    const update = actions[0];
    assert.ok(update?.type === 'update');
    assert.equal(update.grant.spec.allowances[0]?.buckets[0]?.amount, 5);
    assert.equal(update.grant.metadata.resourceVersion, '7', 'the update carries the cached resourceVersion');
    assert.equal(update.adopted, false);
  });

  it('deletes the grant when constraints no longer hold, with the reason', () => {
    const actions = plan({
      outcomes: [{ kind: 'none', policy: 'a', why: 'constraint 0 no longer holds' }],
      existing: [grant('a-acme', 'a', 'u1')],
    });
    assert.deepEqual(summary(actions), ['delete:a-acme']);
    assert.equal(actions[0]?.type === 'delete' && actions[0].why, 'constraint 0 no longer holds');
  });

  it('deletes the old grant and creates the new one when the rendered name changes', () => {
    const actions = plan({ outcomes: [want('a', 'renamed-acme')], existing: [grant('a-acme', 'a', 'u1')] });
    assert.deepEqual(summary(actions), ['delete:a-acme', 'create:renamed-acme']);
  });

  it('keeps the grants of a policy whose evaluation failed, or that is not Ready', () => {
    const existing = [grant('a-acme', 'a', 'u1'), grant('b-acme', 'b', 'u1')];
    const actions = plan({ outcomes: [{ kind: 'failed', policy: 'a', error: 'boom' }], existing });
    assert.deepEqual(actions, []);
  });

  it('acts per policy: several policies on one kind each keep their own grant', () => {
    const existing = [grant('a-acme', 'a', 'u1'), grant('b-acme', 'b', 'u1')];
    const outcomes: PolicyOutcome[] = [want('a', 'a-acme'), { kind: 'none', policy: 'b', why: 'no' }];
    assert.deepEqual(summary(plan({ outcomes, existing })), ['delete:b-acme']);
  });

  it('deletes the grants of every policy of the kind when the trigger is gone or being deleted', () => {
    const existing = [grant('a-acme', 'a', 'u1'), grant('b-acme', 'b', 'u1'), grant('c-acme', 'c', 'u1')];
    const gone = plan({ trigger: undefined, existing });
    assert.deepEqual(summary(gone), ['delete:a-acme', 'delete:b-acme']);
    const deleting = { metadata: { ...TRIGGER.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } };
    assert.deepEqual(summary(plan({ trigger: deleting, outcomes: [want('a', 'a-acme')], existing })), [
      'delete:a-acme',
      'delete:b-acme',
    ]);
  });

  it('leaves a grant it did not make alone and reports it', () => {
    const manual = grant('a-acme', undefined, undefined);
    const actions = plan({ outcomes: [want('a', 'a-acme')], grantAt: () => manual });
    assert.deepEqual(summary(actions), ['blocked:a']);
    assert.match(
      actions[0]?.type === 'blocked' ? actions[0].message : '',
      /was not made by a GrantCreationPolicy/,
    );
    const other = grant('a-acme', 'a', 'u-live');
    const live = plan({ outcomes: [want('a', 'a-acme')], grantAt: () => other, isLiveTrigger: () => true });
    assert.deepEqual(summary(live), ['blocked:a']);
  });

  it("adopts its own policy's grant whose trigger no longer exists (a re-created object)", () => {
    const old = grant('a-acme', 'a', 'u0');
    const actions = plan({ outcomes: [want('a', 'a-acme')], grantAt: () => old });
    assert.deepEqual(summary(actions), ['update:a-acme']);
    const update = actions[0];
    assert.ok(update?.type === 'update' && update.adopted);
    assert.equal(update.grant.metadata.labels?.['quota.miloapis.com/trigger-uid'], 'u1');
    assert.deepEqual(
      update.grant.metadata.ownerReferences?.map((r) => r.uid),
      ['u1'],
    );
  });

  it('waits for a grant that is being deleted', () => {
    const dying = grant('a-acme', 'a', 'u1');
    dying.metadata.deletionTimestamp = '2025-01-01T00:00:00Z';
    assert.deepEqual(summary(plan({ outcomes: [want('a', 'a-acme')], existing: [dying] })), ['blocked:a']);
  });
});

describe('mergeGrant', () => {
  it('keeps other non-controller owners, drops other controllers, and replaces labels and annotations', () => {
    const current = grant('a-acme', 'a', 'u0');
    current.metadata.ownerReferences = [owner('u0'), { ...owner('x'), kind: 'Thing', controller: false }];
    current.metadata.annotations = { stale: 'yes' };
    current.metadata.labels = { ...current.metadata.labels, extra: 'by-hand' };
    const desired = grant('a-acme', 'a', 'u1');
    const merged = mergeGrant(current, desired);
    assert.ok(merged);
    assert.deepEqual(
      merged.metadata.ownerReferences?.map((r) => r.uid),
      ['x', 'u1'],
    );
    assert.equal(merged.metadata.annotations, undefined);
    assert.deepEqual(merged.metadata.labels, desired.metadata.labels);
    assert.equal(merged.metadata.uid, current.metadata.uid);
  });

  it('returns undefined when nothing would change', () => {
    assert.equal(mergeGrant(grant('a-acme', 'a', 'u1'), grant('a-acme', 'a', 'u1')), undefined);
  });
});

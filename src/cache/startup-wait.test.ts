import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceGrant } from '../api/index.ts';
import { makeRegistration } from '../api/testing.ts';
import { startupWaitFor, UNVALIDATED_GRANT_WAIT_MS } from './startup-wait.ts';

const consumer = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  namespace: '',
  name: 'acme',
};

const TYPE = 'example.com/projects';
const registered = [makeRegistration('projects', TYPE)];

/** The grant, judged not Active at its current generation. */
function failed(g: ResourceGrant): ResourceGrant {
  const [active] = g.status?.conditions ?? [];
  assert.ok(active);
  const condition = { ...active, status: 'False' as const, reason: 'ValidationFailed' };
  return { ...g, status: { observedGeneration: 1, conditions: [condition] } };
}

function grant(validated: boolean): ResourceGrant {
  return {
    apiVersion: 'quota.miloapis.com/v1alpha1',
    kind: 'ResourceGrant',
    metadata: { name: 'g', namespace: 'quota-system', generation: 1 },
    spec: {
      consumerRef: { apiGroup: consumer.apiGroup, kind: consumer.kind, name: 'acme' },
      allowances: [{ resourceType: 'example.com/projects', buckets: [{ amount: 2 }] }],
    },
    ...(validated
      ? {
          status: {
            observedGeneration: 1,
            conditions: [
              {
                type: 'Active',
                status: 'True' as const,
                reason: 'GrantActive',
                message: '',
                lastTransitionTime: '2026-01-01T00:00:00Z',
              },
            ],
          },
        }
      : {}),
  };
}

describe('startupWaitFor', () => {
  it('nothing on its way: no wait', () => {
    assert.equal(startupWaitFor(consumer, [], [grant(true)], 10_000, registered), undefined);
  });

  it('a grant the operator has not validated yet: waits at least a minute for its own next step', () => {
    assert.deepEqual(startupWaitFor(consumer, [], [grant(false)], 10_000, registered), {
      windowMs: UNVALIDATED_GRANT_WAIT_MS,
      resourceTypes: ['example.com/projects'],
    });
  });

  it('a grant failed before its registration turned Active: its verdict is stale, so claims wait for the next', () => {
    // The grant controller re-judges it on the same registration event; a pass in between must not deny.
    assert.deepEqual(startupWaitFor(consumer, [], [failed(grant(true))], 10_000, registered), {
      windowMs: UNVALIDATED_GRANT_WAIT_MS,
      resourceTypes: [TYPE],
    });
  });

  it('a grant failed for a reason that still holds: no wait', () => {
    const inactive = [makeRegistration('projects', TYPE, false)];
    assert.equal(startupWaitFor(consumer, [], [failed(grant(true))], 10_000, inactive), undefined);
    const otherKind = makeRegistration('projects', TYPE);
    otherKind.spec.consumerType = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' };
    assert.equal(startupWaitFor(consumer, [], [failed(grant(true))], 10_000, [otherKind]), undefined);
    assert.equal(startupWaitFor(consumer, [], [failed(grant(true))], 10_000, []), undefined);
  });
});

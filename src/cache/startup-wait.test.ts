import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceGrant } from '../api/index.ts';
import { startupWaitFor, UNVALIDATED_GRANT_WAIT_MS } from './startup-wait.ts';

const consumer = {
  apiGroup: 'resourcemanager.miloapis.com',
  kind: 'Organization',
  namespace: '',
  name: 'acme',
};

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
    assert.equal(startupWaitFor(consumer, [], [grant(true)], 10_000), undefined);
  });

  it('a grant the operator has not validated yet: waits at least a minute for its own next step', () => {
    assert.deepEqual(startupWaitFor(consumer, [], [grant(false)], 10_000), {
      windowMs: UNVALIDATED_GRANT_WAIT_MS,
      resourceTypes: ['example.com/projects'],
    });
  });
});

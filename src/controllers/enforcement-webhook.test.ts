// The enforcement configuration's rules from the Ready policies' trigger kinds, with discovery faked: one rule
// per served resource, sorted; kinds not served are skipped, counted and logged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClaimCreationPolicy } from '../api/index.ts';
import { activeCondition, clone, makeClaimPolicy } from '../api/testing.ts';
import type { KindDiscovery, Logger, ResourceRef } from '../runtime/index.ts';
import { enforcementRules } from './enforcement-webhook.ts';

const SERVED: Record<string, ResourceRef> = {
  'resourcemanager.miloapis.com/v1alpha1/Project': {
    group: 'resourcemanager.miloapis.com',
    version: 'v1alpha1',
    plural: 'projects',
    namespaced: true,
    kind: 'Project',
  },
  'v1/ConfigMap': { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' },
};
const discovery: KindDiscovery = {
  serving: async (apiVersion, kind) => {
    const ref = SERVED[`${apiVersion}/${kind}`];
    return ref === undefined ? { served: false } : { served: true, ref };
  },
};

function policy(name: string, apiVersion: string, kind: string, ready = true): ClaimCreationPolicy {
  const p = clone(makeClaimPolicy());
  p.metadata.name = name;
  p.spec.trigger.resource = { apiVersion, kind };
  if (ready) p.status = { conditions: [{ ...activeCondition(), type: 'Ready' }] };
  return p;
}

describe('enforcementRules', () => {
  it('has one sorted rule per served kind of a Ready policy; kinds not served are counted and logged', async () => {
    const warnings: string[] = [];
    const log: Logger = {
      error: () => {},
      warn: (message, fields) => warnings.push(`${message}: ${fields?.policy}`),
      info: () => {},
      debug: () => {},
      child: () => log,
    };
    const { rules, unresolved } = await enforcementRules(
      [
        policy('projects', 'resourcemanager.miloapis.com/v1alpha1', 'Project'),
        policy('projects-again', 'resourcemanager.miloapis.com/v1alpha1', 'Project'),
        policy('configmaps', 'v1', 'ConfigMap'),
        policy('widgets', 'example.com/v1', 'Widget'),
        policy('not-ready', 'v1', 'Secret', false),
      ],
      discovery,
      log,
    );
    assert.deepEqual(
      rules.map((r) => [r.apiGroups[0], r.resources[0]]),
      [
        ['', 'configmaps'],
        ['resourcemanager.miloapis.com', 'projects'],
      ],
    );
    assert.deepEqual(rules[0]?.operations, ['CREATE', 'UPDATE']);
    assert.equal(unresolved, 1);
    assert.deepEqual(warnings, ['trigger kind not served; no rule for it: widgets']);
  });
});

// Today's upstream Milo manifests (test/fixtures/milo-upstream, written from milo-os/milo 862dc4d) with the
// operator and its webhook running: each applies unchanged and ends as upstream documents (Feature
// registrations Active, a claim policy whose trigger kind is outside claimingResources Ready, production-style
// grant labels Ready), and each rule we keep stricter still refuses with a field-naming message.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type {
  AllowanceBucket,
  ClaimCreationPolicy,
  Condition,
  GrantCreationPolicy,
  ResourceGrant,
  ResourceRegistration,
} from '../../../src/api/index.ts';
import { RESOURCES } from '../../../src/cache/index.ts';
import { featureEnabled } from '../../../src/quota/index.ts';
import type { KubeClient } from '../../../src/runtime/index.ts';
import { eventually, useControlPlane } from '../../support/cluster.ts';
import { kubectlFails, kubectlOk, repoPath } from '../../support/kube.ts';
import { useOperator } from '../../support/operator.ts';
import { expectedError, manifest, yamlFiles } from '../api/support.ts';
import { condition, policyReady, readyWhen, waitGrant } from './support.ts';

const plane = useControlPlane();
const env = useOperator(plane);
const FIXTURES = repoPath('test/fixtures/milo-upstream');
const file = (scenario: string, name: string) => join(FIXTURES, scenario, name);
const apply = (path: string) => kubectlOk(plane.current, ['apply', '-f', path]);
const applyObject = (obj: unknown) => kubectlOk(plane.current, ['apply', '-f', '-'], manifest(obj));

async function activeRegistration(name: string): Promise<ResourceRegistration> {
  return eventually(`registration ${name} Active`, async () => {
    const r = await env.client.get<ResourceRegistration>(RESOURCES.registrations, '', name);
    return condition(r, 'Active')?.status === 'True' ? r : undefined;
  });
}

/** A ClaimCreationPolicy's Ready condition once it reflects the current generation and matches `want`. */
async function claimPolicyWhen(
  client: KubeClient,
  name: string,
  want: (ready: Condition) => boolean,
): Promise<Condition> {
  return eventually(`claim policy ${name} Ready condition`, async () => {
    const policy = await client.get<ClaimCreationPolicy>(RESOURCES.claimPolicies, '', name);
    const ready = condition(policy, 'Ready');
    const current = policy.status?.observedGeneration === policy.metadata.generation;
    return ready !== undefined && current && want(ready) ? ready : undefined;
  });
}

async function rejects(scenario: string): Promise<void> {
  for (const path of yamlFiles(join(FIXTURES, scenario, 'rejected'))) {
    const message = await kubectlFails(plane.current, ['apply', '-f', path]);
    const expected = expectedError(path);
    assert.ok(message.includes(expected), `${path}: expected "${expected}" in:\n${message}`);
  }
}

describe("today's upstream Milo manifests (862dc4d)", () => {
  before(async () => {
    await plane.ready;
    await kubectlOk(plane.current, ['apply', '-f', repoPath('test/fixtures/milo-e2e/namespaces.yaml')]);
  });

  describe('resource-registration-validation', () => {
    const S = 'resource-registration-validation';

    it('a type: Feature registration is accepted and becomes Active (the Feature step)', async () => {
      await apply(file(S, '00-valid-registration.yaml'));
      await apply(file(S, '01-valid-feature-registration.yaml'));
      await activeRegistration('test-valid-registration');
      const feature = await activeRegistration('test-valid-feature-registration');
      assert.equal(feature.spec.type, 'Feature');
    });

    it('an unknown type is still refused at spec.type', () => rejects(S));

    it('a grant switches the Feature on (bucket limit > 0); a claim for it is refused, naming the request', async () => {
      const org = { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'feature-org' };
      const FEATURE = 'test.validation.miloapis.com/feature-resources';
      await applyObject({
        apiVersion: 'quota.miloapis.com/v1alpha1',
        kind: 'ResourceGrant',
        metadata: { name: 'feature-org-beta', namespace: 'milo-system' },
        spec: { consumerRef: org, allowances: [{ resourceType: FEATURE, buckets: [{ amount: 1 }] }] },
      });
      const bucket = await eventually('feature bucket with a limit', async () => {
        const out = await kubectlOk(plane.current, ['get', 'qbucket', '-A', '-o', 'json']);
        const items = (JSON.parse(out) as { items: AllowanceBucket[] }).items;
        return items.find(
          (b) =>
            b.spec.resourceType === FEATURE &&
            b.spec.consumerRef.name === 'feature-org' &&
            (b.status?.limit ?? 0) > 0,
        );
      });
      assert.equal(featureEnabled(bucket.status), true);
      const refused = await kubectlFails(
        plane.current,
        ['apply', '-f', '-'],
        manifest({
          apiVersion: 'quota.miloapis.com/v1alpha1',
          kind: 'ResourceClaim',
          metadata: { name: 'claims-a-feature', namespace: 'milo-system' },
          spec: {
            consumerRef: org,
            requests: [{ resourceType: FEATURE, amount: 1 }],
            resourceRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Project', name: 'p' },
          },
        }),
      );
      assert.match(
        refused,
        /spec\.requests\[0\]\.resourceType: .*is registered as a Feature by ResourceRegistration 'test-valid-feature-registration'/,
      );
    });
  });

  describe('enforcement-edge-cases', () => {
    const S = 'enforcement-edge-cases';

    it('a policy whose trigger kind is outside claimingResources becomes Ready (claims are checked instead)', async () => {
      await apply(file(S, '00-resource-registration.yaml'));
      await activeRegistration('edge-test-projects-per-org');
      await apply(file(S, '01-project-creation-policy.yaml'));
      const ready = await claimPolicyWhen(
        env.client,
        'edge-test-project-quota-policy',
        (c) => c.status === 'True',
      );
      assert.equal(ready.reason, 'PolicyReady');
    });

    it('the Organization and its grant of 2 apply; the grant becomes Active', async () => {
      await apply(file(S, '02-quota-enforcement-organization.yaml'));
      await apply(file(S, '03-quota-enforcement-grant.yaml'));
      await eventually('grant Active', async () => {
        const g = await env.client.get<ResourceGrant>(
          RESOURCES.grants,
          'milo-system',
          'edge-test-quota-enforcement-org-grant',
        );
        return condition(g, 'Active')?.status === 'True';
      });
    });

    it('yet a matching create is refused at admission, with the claiming rules (EdgeProject alone may claim)', async () => {
      // Upstream's policy reads spec.organizationName, which the demo Project does not have; this variant
      // of it renders, so the refusal comes from the claiming rules checked on the claim.
      await applyObject({
        apiVersion: 'quota.miloapis.com/v1alpha1',
        kind: 'ClaimCreationPolicy',
        metadata: { name: 'edge-test-project-owner-policy' },
        spec: {
          trigger: {
            resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Project' },
            constraints: [
              { expression: 'has(trigger.metadata.labels) && "edge-owner" in trigger.metadata.labels' },
            ],
          },
          target: {
            resourceClaimTemplate: {
              metadata: { namespace: 'milo-system' },
              spec: {
                consumerRef: {
                  apiGroup: 'resourcemanager.miloapis.com',
                  kind: 'Organization',
                  name: '{{trigger.spec.ownerRef.name}}',
                },
                requests: [{ resourceType: 'test.miloapis.com/edgeprojects', amount: 1 }],
              },
            },
          },
        },
      });
      await claimPolicyWhen(env.client, 'edge-test-project-owner-policy', (c) => c.status === 'True');
      const refused = await kubectlFails(
        plane.current,
        ['apply', '-f', '-'],
        manifest({
          apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
          kind: 'Project',
          metadata: { name: 'edge-project', labels: { 'edge-owner': 'yes' } },
          spec: { ownerRef: { kind: 'Organization', name: 'edge-test-quota-enforcement-org' } },
        }),
      );
      assert.match(
        refused,
        /resourcemanager\.miloapis\.com\/Project does not satisfy claiming rules for test\.miloapis\.com\/edgeprojects/,
      );
      await kubectlFails(plane.current, ['get', 'project.resourcemanager.miloapis.com', 'edge-project']);
    });

    it('a policy requesting an unregistered type is admitted, then Ready=False/ValidationFailed', async () => {
      await apply(file(S, '04-invalid-policy-missing-resource.yaml'));
      const ready = await claimPolicyWhen(
        env.client,
        'test-invalid-missing-resource-policy',
        (c) => c.status === 'False',
      );
      assert.equal(ready.reason, 'ValidationFailed');
      assert.match(ready.message, /nonexistent\.miloapis\.com\/projects/);
    });

    it('claims asking for 0 or -1 are refused at spec.requests[0].amount', () => rejects(S));
  });

  describe('grant-creation-policy (production-style labels)', () => {
    const S = 'grant-creation-policy';

    it('a template labelled with another policy name is Ready', async () => {
      await apply(file(S, '00-resource-registration.yaml'));
      await activeRegistration('grant-policy-test-projects-per-org');
      await apply(file(S, '01-production-style-labels-policy.yaml'));
      await policyReady(env.client, 'test-production-style-labels-policy');
    });

    it('its grant keeps the template labels, but the policy label names the policy that made it', async () => {
      await apply(file(S, '02-production-style-org.yaml'));
      const grant = await waitGrant(env.client, 'milo-system', 'prod-style-grant-production-style-org');
      const labels = grant.metadata.labels ?? {};
      assert.equal(labels['quota.miloapis.com/policy'], 'test-production-style-labels-policy');
      assert.equal(labels['quota.miloapis.com/organization-type'], 'standard');
      assert.equal(labels['app.kubernetes.io/name'], 'datum');
      assert.equal(grant.spec.allowances[0]?.buckets[0]?.amount, 10);
    });
  });

  describe('rules loosened to upstream', () => {
    const grantPolicy = (name: string, edit: (p: GrantCreationPolicy) => void): GrantCreationPolicy => {
      const p: GrantCreationPolicy = {
        apiVersion: 'quota.miloapis.com/v1alpha1',
        kind: 'GrantCreationPolicy',
        metadata: { name },
        spec: {
          trigger: {
            resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Organization' },
            constraints: [{ expression: 'trigger.spec.type == "Standard"' }],
          },
          target: {
            resourceGrantTemplate: {
              metadata: { name: `${name}-{{trigger.metadata.name}}`, namespace: 'milo-system' },
              spec: {
                consumerRef: {
                  apiGroup: 'resourcemanager.miloapis.com',
                  kind: 'Organization',
                  name: '{{trigger.metadata.name}}',
                },
                allowances: [
                  { resourceType: 'test.grantpolicy.miloapis.com/projects', buckets: [{ amount: 1 }] },
                ],
              },
            },
          },
        },
      };
      edit(p);
      return p;
    };

    it('disabled: true on a policy with constraints applies and is PolicyDisabled', async () => {
      await applyObject(
        grantPolicy('paused-policy', (p) => {
          p.spec.disabled = true;
        }),
      );
      const ready = await readyWhen(env.client, 'paused-policy', (c) => c.status === 'False');
      assert.equal(ready.reason, 'PolicyDisabled');
    });

    it('a dotted literal namespace applies, and the controller names the field', async () => {
      await applyObject(
        grantPolicy('dotted-namespace-policy', (p) => {
          p.spec.target.resourceGrantTemplate.metadata.namespace = 'milo.system';
        }),
      );
      const ready = await readyWhen(env.client, 'dotted-namespace-policy', (c) => c.status === 'False');
      assert.equal(ready.reason, 'ValidationFailed');
      assert.match(ready.message, /resourceGrantTemplate\.metadata\.namespace: .*namespaces are DNS labels/);
    });
  });
});

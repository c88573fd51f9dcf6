import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GrantCreationPolicy } from '../../api/index.ts';
import { makeGrantPolicy } from '../../api/testing.ts';
import type { KubeObject, ResourceRef } from '../../runtime/index.ts';
import { evaluatePolicy, mayBelongToKind, ownerReferenceFor } from './desired-grant.ts';
import { compiledPolicy, ORGS, organizationOwner } from './testing.ts';

const TEAMS: ResourceRef = {
  group: 'example.dev',
  version: 'v1',
  plural: 'teams',
  namespaced: true,
  kind: 'Team',
};

const org = (type = 'Standard', extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject => ({
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Organization',
  metadata: { name: 'acme', uid: 'uid-acme', ...extra },
  spec: { type },
});
const team = (namespace: string): KubeObject => ({
  apiVersion: 'example.dev/v1',
  kind: 'Team',
  metadata: { name: 'red', namespace, uid: 'uid-red' },
});

function compiled(edit: (p: GrantCreationPolicy) => void = () => {}) {
  const policy = makeGrantPolicy();
  edit(policy);
  return compiledPolicy(policy);
}

describe('ownerReferenceFor', () => {
  it('owns from a cluster-scoped trigger into any namespace', () => {
    assert.deepEqual(ownerReferenceFor(org(), ORGS, 'quota-system'), organizationOwner('uid-acme'));
  });

  it('owns from a namespaced trigger only in its own namespace', () => {
    assert.equal(ownerReferenceFor(team('team-a'), TEAMS, 'team-a')?.kind, 'Team');
    assert.equal(ownerReferenceFor(team('team-a'), TEAMS, 'quota-system'), undefined);
  });
});

describe('mayBelongToKind', () => {
  it('judges by the controller reference, and cannot rule out a grant without one', () => {
    const outcome = evaluatePolicy('p', compiled(), org(), ORGS);
    assert.ok(outcome.kind === 'want');
    assert.ok(mayBelongToKind(outcome.grant, ORGS));
    assert.ok(!mayBelongToKind(outcome.grant, TEAMS));
    const { ownerReferences: _, ...bare } = outcome.grant.metadata;
    assert.ok(mayBelongToKind({ ...outcome.grant, metadata: bare }, TEAMS));
  });
});

describe('evaluatePolicy', () => {
  it('renders the grant with the two stamped labels and the owner reference', () => {
    const outcome = evaluatePolicy('standard-tier', compiled(), org(), ORGS);
    assert.equal(outcome.kind, 'want');
    if (outcome.kind !== 'want') return;
    assert.deepEqual(outcome.grant.metadata, {
      name: 'standard-acme',
      namespace: 'quota-system',
      labels: { 'quota.miloapis.com/policy': 'standard-tier', 'quota.miloapis.com/trigger-uid': 'uid-acme' },
      ownerReferences: [ownerReferenceFor(org(), ORGS, 'quota-system')],
    });
    assert.deepEqual(outcome.grant.spec, {
      consumerRef: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization', name: 'acme' },
      allowances: [{ resourceType: 'resourcemanager.miloapis.com/projects', buckets: [{ amount: 10 }] }],
    });
  });

  it('wants nothing when a constraint is false, and says which', () => {
    const outcome = evaluatePolicy('standard-tier', compiled(), org('Personal'), ORGS);
    assert.deepEqual(outcome, { kind: 'none', policy: 'standard-tier', why: 'constraint 0 no longer holds' });
  });

  it('treats an empty constraint list as true', () => {
    const all = compiled((p) => {
      p.spec.trigger.constraints = [];
    });
    assert.equal(evaluatePolicy('p', all, org('Personal'), ORGS).kind, 'want');
  });

  it('copies only what the template renders: never the trigger labels or annotations', () => {
    const tracked = org('Standard', {
      labels: { 'app.kubernetes.io/instance': 'tenants', team: 'a' },
      annotations: { 'argocd.argoproj.io/tracking-id': 'x' },
    });
    const withMeta = compiled((p) => {
      p.spec.target.resourceGrantTemplate.metadata.labels = { tier: 'standard' };
      p.spec.target.resourceGrantTemplate.metadata.annotations = { note: 'for {{trigger.metadata.name}}' };
    });
    const outcome = evaluatePolicy('p', withMeta, tracked, ORGS);
    assert.equal(outcome.kind, 'want');
    if (outcome.kind !== 'want') return;
    assert.deepEqual(outcome.grant.metadata.labels, {
      tier: 'standard',
      'quota.miloapis.com/policy': 'p',
      'quota.miloapis.com/trigger-uid': 'uid-acme',
    });
    assert.deepEqual(outcome.grant.metadata.annotations, { note: 'for acme' });
  });

  it("stamps the policy's own name over a template's policy label, so no template can claim another policy's grants", () => {
    const labelled = compiled((p) => {
      p.spec.target.resourceGrantTemplate.metadata.labels = {
        'quota.miloapis.com/policy': 'standard-organization-project-quota-policy',
        'quota.miloapis.com/auto-created': 'true',
      };
    });
    const outcome = evaluatePolicy('p', labelled, org(), ORGS);
    assert.equal(outcome.kind, 'want');
    if (outcome.kind !== 'want') return;
    assert.deepEqual(outcome.grant.metadata.labels, {
      'quota.miloapis.com/policy': 'p',
      'quota.miloapis.com/auto-created': 'true',
      'quota.miloapis.com/trigger-uid': 'uid-acme',
    });
  });

  it('defaults the namespace of a namespaced trigger, and fails for a cluster-scoped one', () => {
    const noNamespace = compiled((p) => {
      p.spec.trigger.constraints = [];
      delete p.spec.target.resourceGrantTemplate.metadata.namespace;
    });
    const inTeam = evaluatePolicy('p', noNamespace, team('team-a'), TEAMS);
    assert.equal(inTeam.kind === 'want' && inTeam.grant.metadata.namespace, 'team-a');
    const failed = evaluatePolicy('p', noNamespace, org(), ORGS);
    assert.equal(failed.kind, 'failed');
    assert.match(failed.kind === 'failed' ? failed.error : '', /metadata\.namespace: grants are namespaced/);
  });

  it('turns a render error into a failed outcome naming the field', () => {
    const broken = compiled((p) => {
      p.spec.target.resourceGrantTemplate.metadata.name = 'x-{{trigger.spec.missing}}';
    });
    const outcome = evaluatePolicy('p', broken, org(), ORGS);
    assert.equal(outcome.kind, 'failed');
    assert.match(outcome.kind === 'failed' ? outcome.error : '', /metadata\.name/);
  });
});

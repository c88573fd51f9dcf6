import {
  type ClaimCreationPolicy,
  type GrantCreationPolicy,
  type RegistrationLookup,
  type ResourceRegistration,
  registrationLookup,
} from '../api/index.ts';
import { makeClaimPolicy, makeGrantPolicy, makeRegistration } from '../api/testing.ts';
import type { ClaimVariables } from './environment.ts';
import type { JsonObject } from './values.ts';

/** Test data shared by the policy unit tests (not part of the public surface). */

export const organization: JsonObject = {
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Organization',
  metadata: {
    name: 'acme',
    uid: 'uid-1',
    labels: { tier: 'gold', k: 'v' },
    annotations: { owner: 'team-a' },
  },
  spec: {
    type: 'Standard',
    replicas: 3,
    ratio: 0.5,
    enabled: true,
    regions: ['eu', 'us'],
    ownerRef: { name: 'root' },
  },
};

export const project: JsonObject = {
  apiVersion: 'resourcemanager.miloapis.com/v1alpha1',
  kind: 'Project',
  metadata: { name: 'web', namespace: 'organization-acme' },
  spec: { ownerRef: { kind: 'Organization', name: 'acme' } },
};

export const claimVariables: ClaimVariables = {
  trigger: project,
  user: {
    name: 'alice',
    uid: 'u-1',
    groups: ['system:authenticated', 'quota-admin'],
    extra: { scopes: ['a'] },
  },
  requestInfo: {
    verb: 'create',
    resource: 'projects',
    namespace: 'organization-acme',
    name: 'web',
    apiGroup: 'resourcemanager.miloapis.com',
    apiVersion: 'v1alpha1',
  },
};

/** A valid GrantCreationPolicy in Milo's test style (api's example with templated metadata); `edit` changes it. */
export function grantPolicy(edit: (p: GrantCreationPolicy) => void = () => {}): GrantCreationPolicy {
  const policy = makeGrantPolicy();
  policy.metadata.name = 'standard-orgs';
  policy.spec.target.resourceGrantTemplate.metadata = {
    name: 'auto-grant-{{.trigger.metadata.name}}',
    namespace: 'organization-{{trigger.metadata.name}}',
    labels: {
      'quota.miloapis.com/policy': 'standard-orgs',
      tier: '{{trigger.metadata.labels.tier}}',
    },
    annotations: { 'example.com/owner': 'owned by {{trigger.metadata.annotations.owner}}' },
  };
  edit(policy);
  return policy;
}

/** A valid ClaimCreationPolicy for Projects consuming their Organization's quota, reading user and request. */
export function claimPolicy(edit: (p: ClaimCreationPolicy) => void = () => {}): ClaimCreationPolicy {
  const policy = makeClaimPolicy();
  policy.spec.trigger.constraints = [
    { expression: 'user.groups.exists(g, g == "quota-admin") || requestInfo.verb == "create"' },
  ];
  policy.spec.target.resourceClaimTemplate.metadata = {
    name: 'project-{{trigger.metadata.name}}',
    namespace: '{{requestInfo.namespace}}',
    annotations: { 'example.com/requested-by': '{{user.name}}' },
  };
  edit(policy);
  return policy;
}

/** src/api's registration lookup over a table of resource type → registration. */
export function registrations(table: Record<string, ResourceRegistration>): RegistrationLookup {
  return registrationLookup(Object.values(table));
}

export const activeProjects: ResourceRegistration = makeRegistration();

/** The same registration without its Active condition. */
export function inactive(registration: ResourceRegistration): ResourceRegistration {
  return { ...registration, status: { conditions: [] } };
}

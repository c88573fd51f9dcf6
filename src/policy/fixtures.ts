import {
  API_VERSION,
  type ClaimCreationPolicy,
  type GrantCreationPolicy,
  type RegistrationLookup,
  type ResourceRegistration,
  registrationLookup,
} from '../api/index.ts';
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

/** A valid GrantCreationPolicy in Milo's test style; `edit` changes a deep copy. */
export function grantPolicy(edit: (p: GrantCreationPolicy) => void = () => {}): GrantCreationPolicy {
  const policy: GrantCreationPolicy = {
    apiVersion: API_VERSION,
    kind: 'GrantCreationPolicy',
    metadata: { name: 'standard-orgs' },
    spec: {
      trigger: {
        resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Organization' },
        constraints: [{ expression: 'trigger.spec.type == "Standard"' }],
      },
      target: {
        resourceGrantTemplate: {
          metadata: {
            name: 'auto-grant-{{.trigger.metadata.name}}',
            namespace: 'organization-{{trigger.metadata.name}}',
            labels: {
              'quota.miloapis.com/policy': 'standard-orgs',
              tier: '{{trigger.metadata.labels.tier}}',
            },
            annotations: { 'example.com/owner': 'owned by {{trigger.metadata.annotations.owner}}' },
          },
          spec: {
            consumerRef: {
              apiGroup: 'resourcemanager.miloapis.com',
              kind: 'Organization',
              name: '{{trigger.metadata.name}}',
            },
            allowances: [
              { resourceType: 'resourcemanager.miloapis.com/projects', buckets: [{ amount: 10 }] },
            ],
          },
        },
      },
    },
  };
  edit(policy);
  return policy;
}

/** A valid ClaimCreationPolicy for Projects consuming their Organization's quota. */
export function claimPolicy(edit: (p: ClaimCreationPolicy) => void = () => {}): ClaimCreationPolicy {
  const policy: ClaimCreationPolicy = {
    apiVersion: API_VERSION,
    kind: 'ClaimCreationPolicy',
    metadata: { name: 'projects' },
    spec: {
      trigger: {
        resource: { apiVersion: 'resourcemanager.miloapis.com/v1alpha1', kind: 'Project' },
        constraints: [
          { expression: 'user.groups.exists(g, g == "quota-admin") || requestInfo.verb == "create"' },
        ],
      },
      target: {
        resourceClaimTemplate: {
          metadata: {
            name: 'project-{{trigger.metadata.name}}',
            namespace: '{{requestInfo.namespace}}',
            annotations: { 'example.com/requested-by': '{{user.name}}' },
          },
          spec: {
            consumerRef: {
              apiGroup: 'resourcemanager.miloapis.com',
              kind: 'Organization',
              name: '{{trigger.spec.ownerRef.name}}',
            },
            requests: [{ resourceType: 'resourcemanager.miloapis.com/projects', amount: 1 }],
          },
        },
      },
    },
  };
  edit(policy);
  return policy;
}

/** src/api's registration lookup over a table of resource type → registration. */
export function registrations(table: Record<string, ResourceRegistration>): RegistrationLookup {
  return registrationLookup(Object.values(table));
}

export const activeProjects: ResourceRegistration = {
  apiVersion: API_VERSION,
  kind: 'ResourceRegistration',
  metadata: { name: 'projects', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: {
    resourceType: 'resourcemanager.miloapis.com/projects',
    consumerType: { apiGroup: 'resourcemanager.miloapis.com', kind: 'Organization' },
    type: 'Entity',
    baseUnit: 'project',
    displayUnit: 'projects',
    unitConversionFactor: 1,
    claimingResources: [{ apiGroup: 'resourcemanager.miloapis.com', kind: 'Project' }],
  },
  status: {
    conditions: [
      {
        type: 'Active',
        status: 'True',
        reason: 'RegistrationActive',
        message: 'The registration is active',
        lastTransitionTime: '2024-01-01T00:00:00Z',
      },
    ],
  },
};

/** The same registration without its Active condition. */
export function inactive(registration: ResourceRegistration): ResourceRegistration {
  return { ...registration, status: { conditions: [] } };
}

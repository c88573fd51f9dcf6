// The example service's own API: compute.example.com/v1alpha1 Instance (config/instance-crd.yaml), and the
// names the service writes into its status. The CRD schema is the real guard on the spec; the checks here
// keep the reconciler honest when it runs against a cluster whose CRD is older or hand-edited.
import type { Condition } from '@milo-quota/client/api';
import type { ResourceRef } from '@milo-quota/client/runtime';

export const GROUP = 'compute.example.com';
export const VERSION = 'v1alpha1';
export const KIND = 'Instance';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const INSTANCES: ResourceRef = {
  group: GROUP,
  version: VERSION,
  plural: 'instances',
  namespaced: true,
  kind: KIND,
};

/** The resource types the service claims (config/registrations.yaml). */
export const RESOURCE_INSTANCES = `${GROUP}/instances`;
export const RESOURCE_VCPUS = `${GROUP}/vcpus`;

/** Who pays: Milo's Organization (the demo fixture CRD on a plain cluster). */
export const ORGANIZATION_GROUP = 'resourcemanager.miloapis.com';
export const ORGANIZATION_KIND = 'Organization';

export const PHASES = ['PendingQuota', 'Provisioning', 'Running', 'QuotaExceeded'] as const;
export type Phase = (typeof PHASES)[number];

export const CONDITION_QUOTA_GRANTED = 'QuotaGranted';
export const QUOTA_GRANTED_REASONS = ['QuotaAvailable', 'PendingEvaluation', 'QuotaExceeded'] as const;
export type QuotaGrantedReason = (typeof QUOTA_GRANTED_REASONS)[number];

export interface InstanceSpec {
  vcpus: number;
  organization: string;
}

export interface InstanceStatus {
  phase?: Phase;
  message?: string;
  conditions?: Condition[];
  observedGeneration?: number;
}

export interface Instance {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
  };
  spec: InstanceSpec;
  status?: InstanceStatus;
}

/** Each problem with the spec, naming the field and the fix; empty when the spec is usable. */
export function instanceSpecProblems(instance: Instance): string[] {
  const problems: string[] = [];
  const vcpus = instance.spec?.vcpus;
  if (typeof vcpus !== 'number' || !Number.isSafeInteger(vcpus) || vcpus < 1) {
    problems.push(`spec.vcpus: ${String(vcpus)} is not an integer ≥ 1; set the number of vCPUs, e.g. 2`);
  }
  const organization = instance.spec?.organization;
  if (typeof organization !== 'string' || organization === '') {
    problems.push('spec.organization: is required; name the Organization that pays, e.g. acme');
  }
  return problems;
}

// Reading objects back with kubectl, and the two questions the GitOps tests ask of them: which tracking
// keys they carry, and which non-status fields the operator owns (from managedFields).
import type { ControlPlane } from '../../../src/envtest/index.ts';
import { kubectlOk } from '../../support/kube.ts';

export interface KubeItem {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager: string; operation: string; subresource?: string; fieldsV1?: FieldSet }[];
  };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; reason?: string }[] };
  rules?: { resources?: string[]; verbs?: string[] }[];
  webhooks?: { clientConfig?: { caBundle?: string } }[];
  items?: KubeItem[];
}

export type FieldSet = { [key: string]: FieldSet };

export const SAMPLE_KINDS = [
  'ResourceRegistration',
  'ResourceRegistration',
  'ResourceRegistration',
  'GrantCreationPolicy',
  'GrantCreationPolicy',
  'ClaimCreationPolicy',
  'ResourceGrant',
  'ResourceGrant',
  'ResourceClaim',
] as const;

const DECIDING_CONDITION: Record<string, string> = {
  ResourceRegistration: 'Active',
  ResourceGrant: 'Active',
  ResourceClaim: 'Granted',
  GrantCreationPolicy: 'Ready',
  ClaimCreationPolicy: 'Ready',
};

/** The operator has observed the object's generation and its deciding condition is True. */
export function isReconciled(o: KubeItem): boolean {
  const type = DECIDING_CONDITION[o.kind];
  return (
    o.status?.observedGeneration === o.metadata.generation &&
    o.status?.conditions?.find((c) => c.type === type)?.status === 'True'
  );
}

/** `kubectl get <args> -o json`, parsed. */
export async function getJson(plane: ControlPlane, args: readonly string[]): Promise<KubeItem> {
  return JSON.parse(await kubectlOk(plane, ['get', ...args, '-o', 'json'])) as KubeItem;
}

const isTrackingKey = (key: string): boolean =>
  key === 'app.kubernetes.io/instance' ||
  key === 'kubectl.kubernetes.io/last-applied-configuration' ||
  key.startsWith('argocd.argoproj.io/');

/** The GitOps tracking labels and annotations an object carries (SPEC §10, ecosystem reference §5.2). */
export function trackingKeys(o: KubeItem): string[] {
  const keys = [...Object.keys(o.metadata.labels ?? {}), ...Object.keys(o.metadata.annotations ?? {})];
  return keys.filter(isTrackingKey);
}

// managers that are kubectl (client-side apply, server-side apply, create, patch) or Kubernetes itself
const USER_MANAGERS =
  /^(kubectl|kubectl-client-side-apply|kubectl-create|kubectl-patch|kube-controller-manager)$/;

/**
 * The fields of `o` outside its status that a manager other than kubectl owns, as `manager: path`. The
 * operator may own status, and on claims the ownerReference to the object they pay for; nothing else.
 */
export function managedByOperator(o: KubeItem): string[] {
  const found: string[] = [];
  for (const entry of o.metadata.managedFields ?? []) {
    if (USER_MANAGERS.test(entry.manager) || entry.subresource === 'status') continue;
    for (const [key, value] of Object.entries(entry.fieldsV1 ?? {})) {
      if (key === 'f:status') continue;
      if (key === 'f:metadata' && o.kind === 'ResourceClaim') {
        for (const inner of Object.keys(value)) {
          if (inner !== 'f:ownerReferences') found.push(`${entry.manager}: metadata.${inner}`);
        }
        continue;
      }
      found.push(`${entry.manager}: ${key}`);
    }
  }
  return found;
}

/** A demo Project owned by an Organization, with tracking metadata as if Argo CD applied it. */
export function projectYaml(name: string, organization: string): string {
  return `apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Project
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/instance: milo-quota-tenants
  annotations:
    argocd.argoproj.io/tracking-id: milo-quota-tenants:resourcemanager.miloapis.com/Project:/${name}
spec:
  ownerRef:
    kind: Organization
    name: ${organization}
`;
}

/** A demo Organization of the given tier. */
export function organizationYaml(name: string, type: 'Personal' | 'Standard'): string {
  return `apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Organization
metadata:
  name: ${name}
spec:
  type: ${type}
`;
}

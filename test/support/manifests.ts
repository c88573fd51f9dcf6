// YAML for the demo resourcemanager kinds, as a user would type it into `kubectl apply -f -`.

export const organization = (name: string, type = 'Standard') => `
apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Organization
metadata:
  name: ${name}
spec:
  type: ${type}
`;

export const project = (name: string, owner = 'acme') => `
apiVersion: resourcemanager.miloapis.com/v1alpha1
kind: Project
metadata:
  name: ${name}
spec:
  ownerRef:
    kind: Organization
    name: ${owner}
`;

/**
 * A ClaimCreationPolicy charging `consumer` (an Organization) one `resourceType` per ConfigMap created in
 * `namespace`. `claimMetadata` is the claim template's metadata in YAML flow style.
 */
export const configMapClaimPolicy = (p: {
  name: string;
  namespace: string;
  claimMetadata: string;
  consumer: string;
  resourceType: string;
}) => `
apiVersion: quota.miloapis.com/v1alpha1
kind: ClaimCreationPolicy
metadata: {name: ${p.name}}
spec:
  trigger:
    resource: {apiVersion: v1, kind: ConfigMap}
    constraints: [{expression: 'trigger.metadata.namespace == "${p.namespace}"'}]
  target:
    resourceClaimTemplate:
      metadata: ${p.claimMetadata}
      spec:
        consumerRef: {apiGroup: resourcemanager.miloapis.com, kind: Organization, name: ${p.consumer}}
        requests: [{resourceType: ${p.resourceType}, amount: 1}]
`;

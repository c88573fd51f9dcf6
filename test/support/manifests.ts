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
